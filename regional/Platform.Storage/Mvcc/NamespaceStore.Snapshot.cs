using System.Text;

namespace Platform.Storage.Mvcc;

/// <summary>
/// The namespace's whole state as bytes, for Raft snapshots: every key's kept history, the
/// revision, epoch, compaction point, applied index and digests. The change log is rebuilt from
/// the histories, so a restored store answers every read, history and change-feed request as the
/// original did.
/// </summary>
public sealed partial class NamespaceStore
{
    private const uint SnapshotMagic = 0x32534E50; // "PNS2": digests carry commit times

    /// <summary>The format before commit times: still read (its revisions' commit times read as unknown).</summary>
    private const uint SnapshotMagicWithoutTimes = 0x534E5350; // "PNSS"

    public byte[] ToSnapshot()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(SnapshotMagic);
            writer.Write(Name);
            writer.Write(Revision);
            writer.Write(Epoch);
            writer.Write(CompactRevision);
            writer.Write(AppliedIndex);
            writer.Write(digest);
            writer.Write(digests.Count);
            foreach (var mark in digests)
            {
                writer.Write(mark.Revision);
                writer.Write(mark.Digest);
                writer.Write(mark.CommittedAtMs);
            }

            writer.Write(keys.Count);
            foreach (var key in orderedKeys)
            {
                var versions = keys[key].Newest(int.MaxValue).Reverse().ToList();
                writer.Write(key);
                writer.Write(versions.Count);
                foreach (var version in versions)
                {
                    writer.Write(version.ModRevision);
                    writer.Write(version.Live is not null);
                    if (version.Live is { } live)
                    {
                        writer.Write(live.CreateRevision);
                        writer.Write(live.Version);
                        writer.Write(live.ContentType);
                        writer.Write(live.Value.Length);
                        writer.Write(live.Value.Span);
                    }
                }
            }

            WriteTruncations(writer);
        }

        return stream.ToArray();
    }

    /// <summary>
    /// A store restored from <paramref name="bytes"/>; with <paramref name="appliedIndex"/>, as of that
    /// index of this group's log (a snapshot shipped from another region counts another log's indices).
    /// </summary>
    public static NamespaceStore FromSnapshot(ReadOnlyMemory<byte> bytes, MvccLimits? limits = null, long? appliedIndex = null)
    {
        var store = Restore(bytes, limits);
        if (appliedIndex is { } index)
        {
            store.AppliedIndex = index;
        }

        return store;
    }

    private static NamespaceStore Restore(ReadOnlyMemory<byte> bytes, MvccLimits? limits)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var magic = reader.ReadUInt32();
        if (magic is not (SnapshotMagic or SnapshotMagicWithoutTimes))
        {
            throw new InvalidDataException("not a namespace snapshot");
        }

        var store = new NamespaceStore(reader.ReadString(), limits)
        {
            Revision = reader.ReadInt64(),
            Epoch = reader.ReadInt64(),
            CompactRevision = reader.ReadInt64(),
            AppliedIndex = reader.ReadInt64(),
        };
        store.digest = reader.ReadUInt64();
        var digestCount = reader.ReadInt32();
        for (var i = 0; i < digestCount; i++)
        {
            store.digests.Add(new RevisionMark(reader.ReadInt64(), reader.ReadUInt64(), magic == SnapshotMagic ? reader.ReadInt64() : 0));
        }

        var rebuilt = new List<ChangeEvent>();
        var keyCount = reader.ReadInt32();
        for (var k = 0; k < keyCount; k++)
        {
            var key = reader.ReadString();
            var history = new KeyHistory();
            KeyValue? previousLive = null;
            var versionCount = reader.ReadInt32();
            for (var v = 0; v < versionCount; v++)
            {
                var modRevision = reader.ReadInt64();
                if (reader.ReadBoolean())
                {
                    var created = reader.ReadInt64();
                    var version = reader.ReadInt64();
                    var contentType = reader.ReadString();
                    var value = reader.ReadBytes(reader.ReadInt32());
                    var live = new KeyValue(key, value, contentType, created, modRevision, version);
                    history.Add(new StoredVersion(modRevision, live));
                    rebuilt.Add(new ChangeEvent(modRevision, ChangeKind.Put, live));
                    previousLive = live;
                }
                else
                {
                    history.Add(new StoredVersion(modRevision, null));
                    var gone = previousLive ?? new KeyValue(key, ReadOnlyMemory<byte>.Empty, string.Empty, 0, modRevision, 0);
                    rebuilt.Add(new ChangeEvent(modRevision, ChangeKind.Delete, gone with { ModRevision = modRevision, Version = 0 }));
                    previousLive = null;
                }
            }

            store.keys[key] = history;
            store.orderedKeys.Add(key);
            if (history.Latest is not null)
            {
                store.LiveKeys++;
            }
        }

        // Within a revision (one transaction) changes are in key order, as Apply wrote them.
        store.changes.AddRange(rebuilt.Where(c => c.Revision >= store.CompactRevision).OrderBy(c => c.Revision).ThenBy(c => c.Current.Key, StringComparer.Ordinal));
        store.ReadTruncations(reader);
        return store;
    }
}
