using System.Buffers;
using Platform.Storage.Files;

namespace Platform.Storage.Wal;

/// <summary>
/// Appends framed records to the active segment and syncs them, single-threaded. Rolls to a new
/// segment past <see cref="WalOptions.SegmentBytes"/>, starting it with every group's hard state
/// and compaction point, and deletes the oldest segments once every group has compacted past all
/// the entries they hold. <see cref="WriteAheadLog"/> adds group commit on top; the simulator uses
/// this class directly.
/// </summary>
public sealed class WalWriter : IDisposable
{
    private readonly IStorageFileSystem files;
    private readonly string directory;
    private readonly WalOptions options;
    private readonly ArrayBufferWriter<byte> pending = new(1 << 16);
    private readonly ArrayBufferWriter<byte> payload = new(1 << 12);
    private readonly Dictionary<ulong, (Platform.Consensus.HardState HardState, long CompactedThrough)> groups = [];
    private readonly List<WalSegmentInfo> segments;
    private IAppendFile active;
    private WalSegmentInfo activeInfo;
    private ulong nextSequence;
    private bool releasedSinceSync;

    public WalWriter(IStorageFileSystem files, string directory, WalRecovery recovery, WalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(recovery);
        if (recovery.Health.Condition == WalCondition.Corrupted)
        {
            throw new WalCorruptedException(recovery.Health);
        }

        this.files = files;
        this.directory = directory;
        this.options = options ?? new WalOptions();
        files.CreateDirectory(directory);
        nextSequence = recovery.LastSequence + 1;
        foreach (var group in recovery.Groups.Values)
        {
            groups[group.Group] = (group.HardState, group.CompactedThrough);
        }

        segments = recovery.Segments;
        if (segments.Count == 0)
        {
            (active, activeInfo) = StartSegment();
        }
        else
        {
            activeInfo = segments[^1];
            active = files.OpenSegment(activeInfo.Path, activeInfo.ValidBytes, this.options.SegmentBytes);
        }
    }

    public long Syncs { get; private set; }

    public long RecordsWritten { get; private set; }

    public int SegmentCount => segments.Count;

    public bool HasPending => pending.WrittenCount > 0;

    public int PendingBytes => pending.WrittenCount;

    /// <summary>Frames one group's write into the pending buffer; nothing reaches the file until <see cref="Sync"/>.</summary>
    public void Append(GroupWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (write.IsEmpty)
        {
            return;
        }

        payload.ResetWrittenCount();
        GroupWriteCodec.Encode(write, payload);
        var framed = pending.GetSpan(WalFraming.FramedLength(payload.WrittenCount));
        WalFraming.Write(framed, WalRecordType.GroupUpdate, nextSequence, payload.WrittenSpan);
        pending.Advance(WalFraming.FramedLength(payload.WrittenCount));
        nextSequence++;
        RecordsWritten++;
        Track(write);
    }

    /// <summary>Hands the pending buffer to the file with one write, without syncing it.</summary>
    public void Write()
    {
        if (pending.WrittenCount > 0)
        {
            active.Append(pending.WrittenSpan);
            pending.ResetWrittenCount();
        }
    }

    /// <summary>Writes the pending buffer with one write and one fdatasync; then rolls and deletes segments if due.</summary>
    public void Sync()
    {
        Write();
        active.Sync();
        Syncs++;
        activeInfo.LastSequence = nextSequence - 1;
        if (active.Length >= options.SegmentBytes)
        {
            Roll();
        }
        else if (releasedSinceSync)
        {
            // A compaction or reset just became durable: older segments may hold nothing needed now.
            DeleteReleasedSegments();
        }

        releasedSinceSync = false;
    }

    private void Track(GroupWrite write)
    {
        var (hardState, compacted) = groups.GetValueOrDefault(write.Group);
        releasedSinceSync |= write.LogReset is not null || write.CompactedThrough is not null;
        if (write.LogReset is { } reset)
        {
            compacted = reset.Index;
            foreach (var older in segments)
            {
                older.MaxEntryIndexByGroup.Remove(write.Group);
            }
        }

        compacted = Math.Max(compacted, write.CompactedThrough ?? 0);
        groups[write.Group] = (write.HardState ?? hardState, compacted);
        if (write.Entries.Length > 0)
        {
            activeInfo.MaxEntryIndexByGroup[write.Group] = Math.Max(activeInfo.MaxEntryIndexByGroup.GetValueOrDefault(write.Group), write.Entries[^1].Index);
        }
    }

    private (IAppendFile File, WalSegmentInfo Info) StartSegment()
    {
        var path = WalSegmentName.For(directory, nextSequence);
        var info = new WalSegmentInfo(path, nextSequence);
        segments.Add(info);
        var file = files.OpenSegment(path, 0, options.SegmentBytes);
        files.SyncDirectory(directory);
        return (file, info);
    }

    /// <summary>
    /// Starts the next segment with every group's hard state and compaction point, so older segments
    /// hold nothing needed once their entries are compacted. The segment is built under a temporary
    /// name, synced with its checkpoint, and only then renamed into place: a crash mid-roll leaves
    /// either no new segment or one that starts with the whole checkpoint, never an empty newest
    /// segment whose missing checkpoint would let the older ones be deleted.
    /// </summary>
    private void Roll()
    {
        active.Dispose();
        var path = WalSegmentName.For(directory, nextSequence);
        var temporary = WalSegmentName.Temporary(path);
        var info = new WalSegmentInfo(path, nextSequence);
        foreach (var (group, state) in groups.OrderBy(g => g.Key))
        {
            Append(new GroupWrite(group) { HardState = state.HardState, CompactedThrough = state.CompactedThrough == 0 ? null : state.CompactedThrough });
        }

        var checkpointBytes = pending.WrittenCount;
        using (var building = files.OpenSegment(temporary, 0, options.SegmentBytes))
        {
            building.Append(pending.WrittenSpan);
            building.Sync();
        }

        pending.ResetWrittenCount();
        files.Rename(temporary, path);
        files.SyncDirectory(directory);
        Syncs++;
        segments.Add(info);
        activeInfo = info;
        activeInfo.LastSequence = nextSequence - 1;
        active = files.OpenSegment(path, checkpointBytes, options.SegmentBytes);
        DeleteReleasedSegments();
    }

    private void DeleteReleasedSegments()
    {
        var deleted = false;
        while (segments.Count > 1 && segments[0] != activeInfo && IsReleased(segments[0]))
        {
            files.Delete(segments[0].Path);
            segments.RemoveAt(0);
            deleted = true;
        }

        if (deleted)
        {
            files.SyncDirectory(directory);
        }
    }

    private bool IsReleased(WalSegmentInfo segment) =>
        segment.MaxEntryIndexByGroup.All(g => groups.TryGetValue(g.Key, out var state) && g.Value <= state.CompactedThrough);

    public void Dispose() => active.Dispose();
}
