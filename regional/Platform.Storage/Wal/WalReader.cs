using System.Buffers.Binary;
using Platform.Storage.Files;

namespace Platform.Storage.Wal;

/// <summary>
/// Replays a node's log and classifies damage. A record that fails its checks is a torn tail when
/// no valid record follows it anywhere (truncate it: the crash interrupted that write before it was
/// acknowledged), and corruption when a valid record with a later sequence does follow (refuse to
/// start: data that was durable is damaged). The scan for later records does not trust the damaged
/// record's length field.
/// </summary>
public static class WalReader
{
    /// <summary>Reads everything and reports the log's health; changes nothing on disk.</summary>
    public static WalRecovery Scan(IStorageFileSystem files, string directory)
    {
        ArgumentNullException.ThrowIfNull(files);
        var recovery = new WalRecovery();
        var segments = files.ListFiles(directory, WalSegmentName.Pattern);
        for (var s = 0; s < segments.Count; s++)
        {
            var bytes = files.ReadAllBytes(segments[s]);
            var info = new WalSegmentInfo(segments[s], WalSegmentName.FirstSequence(segments[s]) ?? 0);
            recovery.Segments.Add(info);
            var damage = ReadSegment(bytes, info, recovery);
            if (damage is { Undecodable: true } undecodable)
            {
                recovery.Health = new WalHealth(WalCondition.Corrupted, segments[s], undecodable.Offset, undecodable.Reason);
                break;
            }

            if (damage is { } older && s < segments.Count - 1)
            {
                // A segment is synced before the next one is created (and a new one appears only
                // with its checkpoint synced), so damage anywhere but in the newest is not a torn write.
                recovery.Health = new WalHealth(WalCondition.Corrupted, segments[s], older.Offset, $"{older.Reason}, in a segment that is not the newest");
                break;
            }

            if (damage is { } found)
            {
                var laterValid = FindValidRecord(files, segments, s, found.Offset + 1, recovery.LastSequence);
                recovery.Health = laterValid is { } later
                    ? new WalHealth(WalCondition.Corrupted, segments[s], found.Offset, $"{found.Reason}; a valid record (sequence {later.Sequence}) follows in {later.Path} at offset {later.Offset}")
                    : new WalHealth(WalCondition.TornTail, segments[s], found.Offset, found.Reason);
                break;
            }
        }

        return recovery;
    }

    /// <summary>
    /// Replays the log for a starting node: truncates a torn tail (and removes segments after it),
    /// and throws <see cref="WalCorruptedException"/> naming file and offset on corruption.
    /// </summary>
    public static WalRecovery Recover(IStorageFileSystem files, string directory)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var unfinished in files.ListFiles(directory, "*.building"))
        {
            // A segment whose roll did not finish: it was never renamed into the log.
            files.Delete(unfinished);
        }

        var recovery = Scan(files, directory);
        switch (recovery.Health.Condition)
        {
            case WalCondition.Corrupted:
                throw new WalCorruptedException(recovery.Health);
            case WalCondition.TornTail:
                var tornFile = recovery.Health.File!;
                files.Truncate(tornFile, recovery.Health.Offset);
                var index = recovery.Segments.FindIndex(s => s.Path == tornFile);
                foreach (var later in recovery.Segments.Skip(index + 1).ToList())
                {
                    files.Delete(later.Path);
                    recovery.Segments.Remove(later);
                }

                files.SyncDirectory(directory);
                break;
            default:
                break;
        }

        return recovery;
    }

    /// <param name="Undecodable">The record's checksums are right but its contents are not: never a torn write.</param>
    private readonly record struct Damage(long Offset, string Reason, bool Undecodable = false);

    private static Damage? ReadSegment(byte[] bytes, WalSegmentInfo info, WalRecovery recovery)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            var result = WalFraming.TryRead(bytes.AsSpan(offset), out var type, out var sequence, out var payload);
            if (result == WalFrameResult.End)
            {
                return bytes.AsSpan(offset).IndexOfAnyExcept((byte)0) < 0 ? null : new Damage(offset, "zeros followed by data");
            }

            if (result != WalFrameResult.Ok)
            {
                return new Damage(offset, Describe(result));
            }

            var expected = recovery.LastSequence == 0 ? (info.FirstSequence == 0 ? sequence : info.FirstSequence) : recovery.LastSequence + 1;
            if (sequence != expected)
            {
                return new Damage(offset, $"record sequence {sequence} where {expected} was expected");
            }

            if (type != WalRecordType.GroupUpdate)
            {
                return new Damage(offset, $"unknown record type {(byte)type}");
            }

            GroupWrite write;
            try
            {
                write = GroupWriteCodec.Decode(payload);
                recovery.Group(write.Group).Apply(write);
            }
            catch (WalFormatException problem)
            {
                return new Damage(offset, problem.Message, Undecodable: true);
            }

            if (write.Entries.Length > 0)
            {
                info.MaxEntryIndexByGroup[write.Group] = Math.Max(info.MaxEntryIndexByGroup.GetValueOrDefault(write.Group), write.Entries[^1].Index);
            }

            if (write.LogReset is not null)
            {
                // A reset makes every older entry of the group obsolete, wherever it lies.
                foreach (var older in recovery.Segments)
                {
                    if (older != info)
                    {
                        older.MaxEntryIndexByGroup.Remove(write.Group);
                    }
                }
            }

            var framed = WalFraming.FramedLength(payload.Length);
            offset += framed;
            recovery.LastSequence = sequence;
            recovery.Records++;
            recovery.Bytes += framed;
            info.LastSequence = sequence;
            info.ValidBytes = offset;
        }

        return null;
    }

    private static string Describe(WalFrameResult result) => result switch
    {
        WalFrameResult.Truncated => "record runs past the end of the file",
        WalFrameResult.BadHeader => "record header fails its checksum",
        WalFrameResult.BadPayload => "record payload fails its checksum",
        _ => result.ToString(),
    };

    private readonly record struct Found(string Path, long Offset, ulong Sequence);

    /// <summary>Looks for any valid record after the damage: in the rest of this segment and in every later one.</summary>
    private static Found? FindValidRecord(IStorageFileSystem files, IReadOnlyList<string> segments, int segment, long from, ulong lastGoodSequence)
    {
        Span<byte> magic = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(magic, WalFraming.Magic);
        for (var s = segment; s < segments.Count; s++)
        {
            var bytes = files.ReadAllBytes(segments[s]);
            var position = s == segment ? (int)Math.Min(from, bytes.Length) : 0;
            while (position < bytes.Length)
            {
                var next = bytes.AsSpan(position).IndexOf(magic);
                if (next < 0)
                {
                    break;
                }

                position += next;
                if (WalFraming.TryRead(bytes.AsSpan(position), out _, out var sequence, out _) == WalFrameResult.Ok && sequence > lastGoodSequence)
                {
                    return new Found(segments[s], position, sequence);
                }

                position++;
            }
        }

        return null;
    }
}
