using Platform.Consensus;
using Platform.Consensus.Log;
using Platform.Consensus.Membership;
using Platform.Storage.Wal;

namespace Platform.Storage;

/// <summary>
/// Builds a group's restart state from its replayed log and its newest snapshot file. The snapshot
/// file is written before the log records that it replaced the log, so after a crash the file may
/// be newer than the log knows; Raft's InstallSnapshot rule settles it either way: if the log holds
/// the snapshot's last entry (same index and term), or compacted past it itself, the entries after
/// it are kept; otherwise the whole log is discarded.
/// </summary>
public static class GroupRestore
{
    public static RaftRestoreState Build(RecoveredGroup? group, Snapshot? snapshot, ConfState initialConf)
    {
        ArgumentNullException.ThrowIfNull(initialConf);
        var hardState = group?.HardState ?? HardState.Empty;
        if (group is null)
        {
            return new RaftRestoreState(hardState, snapshot, [], initialConf);
        }

        if (snapshot is null)
        {
            if (group.CompactedThrough > 0)
            {
                throw new InvalidOperationException($"group {group.Group}: the log was compacted through {group.CompactedThrough} but no snapshot was found");
            }

            return new RaftRestoreState(hardState, null, group.Entries, initialConf);
        }

        var index = snapshot.Metadata.Index;
        if (group.CompactedThrough > index)
        {
            throw new InvalidOperationException($"group {group.Group}: the log was compacted through {group.CompactedThrough}, past the newest snapshot at {index}");
        }

        var logHoldsSnapshotEntry = group.Entries.Any(e => e.Index == index && e.Term == snapshot.Metadata.Term);
        IReadOnlyList<Entry> entries = index <= group.CompactedThrough || logHoldsSnapshotEntry ? group.EntriesAfter(index) : [];
        return new RaftRestoreState(hardState, snapshot, entries, initialConf);
    }
}
