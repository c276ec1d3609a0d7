using Microsoft.Extensions.Logging;
using Platform.Consensus.Messages;
using Platform.Regional.StateMachine;
using Platform.Regional.Transport;
using Platform.Storage.Wal;

namespace Platform.Regional.Replication;

/// <summary>The Ready loop: persist (awaiting the group commit without holding the turn), send, apply, advance.</summary>
public sealed partial class ReplicaGrain
{
    private async Task PumpAsync()
    {
        if (pumping)
        {
            // The running loop picks up whatever this turn added: it checks HasReady again before it stops.
            return;
        }

        pumping = true;
        try
        {
            while (raft.HasReady)
            {
                var ready = raft.GetReady();
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
                if (ready.Snapshot is { } installed)
                {
                    stateMachine = GroupStateMachine.FromSnapshot(installed.Data);
                    lastSnapshotIndex = installed.Metadata.Index;
                    FailProposalsCoveredBy(installed.Metadata.Index);
                }

                foreach (var entry in ready.CommittedEntries)
                {
                    var outcome = stateMachine.Apply(entry);
                    if (proposals.Remove(entry.Index, out var waiting))
                    {
                        waiting.Done.TrySetResult(waiting.Term == entry.Term ? outcome : outcome with { Problem = LostProposal });
                    }
                }

                raft.Advance(ready);
                await MaybeSnapshotAsync();
            }
        }
        finally
        {
            pumping = false;
        }
    }

    /// <summary>Messages go out as one batch per destination node, by a one-way call to that node's replica.</summary>
    private void Send(IReadOnlyList<Message> messages)
    {
        foreach (var batch in messages.GroupBy(m => m.To))
        {
            var node = options.NodeOfReplica(batch.Key);
            GrainFactory.GetGrain<IReplicaGrain>(KeyFor(group, node)).Deliver(RaftMessageCodec.Encode([.. batch])).Ignore();
        }
    }

    private void FailProposalsCoveredBy(long snapshotIndex)
    {
        foreach (var index in proposals.Keys.Where(i => i <= snapshotIndex).ToList())
        {
            // The outcome of an entry folded into a snapshot cannot be read back here: a retry must decide.
            proposals.Remove(index, out var waiting);
            waiting.Done.TrySetResult(new GroupApplyOutcome(index, null, LostProposal));
        }
    }

    private async Task MaybeSnapshotAsync()
    {
        if (raft.AppliedIndex - lastSnapshotIndex < SnapshotEveryEntries)
        {
            return;
        }

        var index = raft.AppliedIndex;
        raft.CreateSnapshot(index, stateMachine.ToSnapshot());
        storage.Snapshots.Save(group, raft.LatestSnapshot!);
        raft.CompactLog(index);
        await storage.Wal.PersistAsync(new GroupWrite(group) { CompactedThrough = index });
        lastSnapshotIndex = index;
        LogSnapshot(logger, group, index);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "group {Group} replica on {Node} activated at term {Term} with {Entries} log entries")]
    private static partial void LogActivated(ILogger logger, ulong group, string node, long term, int entries);

    [LoggerMessage(Level = LogLevel.Information, Message = "group {Group}: snapshot at index {Index}, log compacted")]
    private static partial void LogSnapshot(ILogger logger, ulong group, long index);
}
