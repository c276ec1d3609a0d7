using Platform.Consensus;
using Platform.Consensus.Messages;
using Platform.Regional.StateMachine;
using Platform.Regional.Transport;
using Platform.Storage.Wal;

namespace Platform.Regional.Replication;

/// <summary>The Ready loop: persist (the lock released while the group commit syncs), send, apply, advance.</summary>
public sealed partial class ReplicaCore
{
    private async Task PumpAsync()
    {
        lock (gate)
        {
            if (pumping)
            {
                // The running loop picks up whatever this caller added: it checks HasReady before it stops.
                return;
            }

            pumping = true;
        }

        try
        {
            while (true)
            {
                Ready ready;
                lock (gate)
                {
                    if (!raft.HasReady)
                    {
                        pumping = false;
                        return;
                    }

                    ready = raft.GetReady();
                }

                if (ready.Snapshot is { } received)
                {
                    // The snapshot file first; the log record that resets the log follows (GroupRestore).
                    storage.Snapshots.Save(group, received);
                }

                var write = GroupWrite.FromReady(group, ready);
                if (!write.IsEmpty)
                {
                    await storage.Wal.PersistAsync(write);
                }

                Send(ready.Messages);
                long? compactedThrough;
                lock (gate)
                {
                    Apply(ready);
                    raft.Advance(ready);
                    compactedThrough = MaybeSnapshot();
                }

                if (compactedThrough is { } index)
                {
                    await storage.Wal.PersistAsync(new GroupWrite(group) { CompactedThrough = index });
                    LogSnapshot(logger, group, index);
                }
            }
        }
        catch
        {
            lock (gate)
            {
                pumping = false;
            }

            throw;
        }
    }

    private void Apply(Ready ready)
    {
        if (ready.Snapshot is { } installed)
        {
            stateMachine = GroupStateMachine.FromSnapshot(installed.Data);
            lastSnapshotIndex = installed.Metadata.Index;
            foreach (var index in proposals.Keys.Where(i => i <= installed.Metadata.Index).ToList())
            {
                // An entry folded into a snapshot has no outcome to read back here: a retry must decide.
                proposals.Remove(index, out var waiting);
                waiting.Done.TrySetResult(new GroupApplyOutcome(index, null, LostProposal));
            }
        }

        foreach (var entry in ready.CommittedEntries)
        {
            var outcome = stateMachine.Apply(entry);
            if (proposals.Remove(entry.Index, out var waiting))
            {
                waiting.Done.TrySetResult(waiting.Term == entry.Term ? outcome : outcome with { Problem = LostProposal });
            }
        }
    }

    /// <summary>Messages go out as one batch per destination node.</summary>
    private void Send(IReadOnlyList<Message> messages)
    {
        if (Transport is not { } transport)
        {
            return;
        }

        foreach (var batch in messages.GroupBy(m => m.To))
        {
            transport(options.NodeOfReplica(batch.Key), RaftMessageCodec.Encode([.. batch]));
        }
    }

    /// <summary>Snapshots the state machine and compacts the log when due; returns the compaction point to record.</summary>
    private long? MaybeSnapshot()
    {
        if (raft.AppliedIndex - lastSnapshotIndex < SnapshotEveryEntries)
        {
            return null;
        }

        var index = raft.AppliedIndex;
        raft.CreateSnapshot(index, stateMachine.ToSnapshot());
        storage.Snapshots.Save(group, raft.LatestSnapshot!);
        raft.CompactLog(index);
        lastSnapshotIndex = index;
        return index;
    }
}
