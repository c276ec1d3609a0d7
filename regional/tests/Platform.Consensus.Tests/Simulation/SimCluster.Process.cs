using Platform.Consensus.Log;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>Working off a replica's Ready exactly as the contract says: persist, send, apply, advance.</summary>
public sealed partial class SimCluster
{
    private void Process(SimNode node)
    {
        while (node.Raft is { } raft && raft.HasReady)
        {
            var ready = raft.GetReady();
            if (node.CrashDuringNextPersist)
            {
                // A crash in the middle of the fsync: a random prefix of the record reaches the
                // disk, and nothing of this Ready was sent or applied.
                node.Disk.Persist(ready, faultRandom);
                Crash(node, torn: true);
                return;
            }

            foreach (var entry in ready.Entries)
            {
                Monitor.OnPersisted(node.Id, entry);
            }

            node.Disk.Persist(ready);
            if (ready.SoftState is { Role: Role.Leader })
            {
                Trace.Note(Now, node.Id, $"leader of term {raft.Term}");
                Monitor.OnLeader(raft.Term, node.Id, raft);
                CheckLeaseExclusive(node, raft);
            }

            foreach (var message in ready.Messages)
            {
                SendMessage(message);
            }

            if (ready.Snapshot is { } snapshot)
            {
                Monitor.OnSnapshotInstalled(node.Id, snapshot);
                node.StateMachine.Restore(snapshot);
                node.LastSnapshotIndex = snapshot.Metadata.Index;
                Trace.Note(Now, node.Id, $"installed snapshot {snapshot.Metadata.Index}/{snapshot.Metadata.Term}");
                ResolveWritesCoveredBySnapshot(node, snapshot.Metadata.Index);
            }

            foreach (var entry in ready.CommittedEntries)
            {
                Apply(node, entry, raft.Term);
            }

            foreach (var readState in ready.ReadStates)
            {
                CheckReadFresh(node, readState);
                if (node.PendingReads.Remove(readState.RequestId, out var read))
                {
                    node.ReadsAwaitingApply.Add((readState.Index, read.Key, read.Operation));
                }
            }

            foreach (var abandoned in ready.AbandonedReads)
            {
                if (node.PendingReads.Remove(abandoned, out var read))
                {
                    read.Operation.Fail();
                }
            }

            raft.Advance(ready);
            ServeReads(node);
            CheckCommitRule(node, raft);
            SafetyMonitor.CheckCommitMonotonic(node);
            MaybeSnapshot(node, raft);
        }
    }

    private void Apply(SimNode node, Entry entry, long applierTerm)
    {
        Monitor.OnApplied(node.Id, entry, applierTerm);
        var command = node.StateMachine.Apply(entry);
        if (command is not null && node.PendingWrites.Remove(command.OperationId, out var accepted))
        {
            accepted.Operation.Complete(Now.Ticks, null, node.StateMachine.ResultOf(command.OperationId) ?? false);
        }

        // Another entry took the index a pending write was proposed at: that write never commits.
        foreach (var (operationId, pending) in node.PendingWrites.Where(p => p.Value.Index == entry.Index).ToList())
        {
            node.PendingWrites.Remove(operationId);
            pending.Operation.Fail();
        }
    }

    private void ResolveWritesCoveredBySnapshot(SimNode node, long snapshotIndex)
    {
        foreach (var (operationId, pending) in node.PendingWrites.Where(p => p.Value.Index <= snapshotIndex).ToList())
        {
            node.PendingWrites.Remove(operationId);
            if (node.StateMachine.ResultOf(operationId) is { } succeeded)
            {
                pending.Operation.Complete(Now.Ticks, null, succeeded);
            }
            else
            {
                pending.Operation.Fail();
            }
        }
    }

    private void ServeReads(SimNode node)
    {
        for (var i = node.ReadsAwaitingApply.Count - 1; i >= 0; i--)
        {
            var (index, key, operation) = node.ReadsAwaitingApply[i];
            if (node.StateMachine.AppliedIndex >= index)
            {
                node.ReadsAwaitingApply.RemoveAt(i);
                operation.Complete(Now.Ticks, node.StateMachine.Get(key), false);
            }
        }
    }

    private void MaybeSnapshot(SimNode node, RaftNode raft)
    {
        if (options.SnapshotEvery == 0 || raft.AppliedIndex - node.LastSnapshotIndex < options.SnapshotEvery)
        {
            return;
        }

        var index = raft.AppliedIndex;
        raft.CreateSnapshot(index, node.StateMachine.Snapshot());
        var compactTo = Math.Max(raft.CompactedIndex, index - options.EntriesKeptAfterSnapshot);
        raft.CompactLog(compactTo);
        node.Disk.SaveSnapshot(raft.LatestSnapshot!, compactTo);
        node.LastSnapshotIndex = index;
    }
}
