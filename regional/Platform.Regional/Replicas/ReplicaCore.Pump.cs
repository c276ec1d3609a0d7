using Platform.Consensus;
using Platform.Consensus.Messages;
using Platform.Regional.StateMachine;
using Platform.Regional.Transport;
using Platform.Storage.Wal;

namespace Platform.Regional.Replicas;

/// <summary>The Ready loop: persist (the lock released while the group commit syncs), send, apply, advance.</summary>
public sealed partial class ReplicaCore
{
    /// <summary>The term and vote last made durable; null until this replica's first sync of a hard state.</summary>
    private (long Term, ulong Vote)? durableVote;

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
                bool sendFirst;
                lock (gate)
                {
                    if (!raft.HasReady)
                    {
                        pumping = false;
                        return;
                    }

                    ready = raft.GetReady();
                    sendFirst = MaySendBeforePersisting(ready);
                }

                if (ready.Snapshot is { } received)
                {
                    // The snapshot file first; the log record that resets the log follows (GroupRestore).
                    storage.Snapshots.Save(group, received);
                }

                var write = GroupWrite.FromReady(group, ready);
                if (sendFirst)
                {
                    Send(ready.Messages);
                }

                if (!write.IsEmpty)
                {
                    await storage.Wal.PersistAsync(write);
                    if (write.HardState is { } written)
                    {
                        durableVote = (written.Term, written.Vote);
                    }
                }

                if (!sendFirst)
                {
                    Send(ready.Messages);
                }
                Snapshot? snapshot;
                lock (gate)
                {
                    Apply(ready);
                    ServeReads(ready);
                    AbandonProposalsOnStepDown(ready);
                    raft.Advance(ready);
                    snapshot = MaybeSnapshot();
                }

                if (snapshot is not null)
                {
                    await CompactAsync(snapshot);
                }
            }
        }
#pragma warning disable CA1031 // Deliberately any failure: see below.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            // A Ready that failed between GetReady and Advance (a failed fsync above all) leaves the
            // core waiting for an Advance that will never come, and the disk in a state the process
            // can no longer vouch for. Stop, and let the restart recover from the log.
            LogFatal(logger, group, failure);
            Environment.FailFast($"group {group}: the replica's Ready loop failed: {failure.Message}", failure);
        }
    }

    /// <summary>
    /// Whether this Ready's messages may leave before its entries are durable (under the lock). A
    /// leader may write its log in parallel with replicating it (Raft thesis, 10.2.1): its own
    /// entries count toward a commit only once they are durable (its match moves on Advance), and
    /// nothing committed is applied or answered before this Ready's sync completes, since the next
    /// Ready comes after it. Not when the Ready changes the durable term or vote (a message must
    /// never speak for a vote the disk might forget), nor for a follower, whose acknowledgements
    /// vouch for entries being on its disk, nor with a snapshot to save.
    /// </summary>
    private bool MaySendBeforePersisting(Ready ready) =>
        raft.Role == Role.Leader
        && ready.Snapshot is null
        && ready.Messages.Count > 0
        && durableVote is { } durable
        && (ready.HardState is not { } next || (next.Term == durable.Term && next.Vote == durable.Vote));

    /// <summary>
    /// Writes the snapshot file (outside the lock: it syncs), then compacts the log and records it,
    /// keeping <see cref="Hosting.NodeOptions.SnapshotCatchUpEntries"/> entries before the snapshot so a
    /// follower only a little behind catches up from the log rather than by a whole snapshot.
    /// </summary>
    private async Task CompactAsync(Snapshot snapshot)
    {
        var index = snapshot.Metadata.Index;
        storage.Snapshots.Save(group, snapshot);
        var through = index - options.SnapshotCatchUpEntries;
        lock (gate)
        {
            if (through <= raft.CompactedIndex)
            {
                return;
            }

            raft.CompactLog(through);
        }

        await storage.Wal.PersistAsync(new GroupWrite(group) { CompactedThrough = through });
        LogSnapshot(logger, group, index);
    }

    private void Apply(Ready ready)
    {
        if (ready.Snapshot is { } installed)
        {
            stateMachine = GroupStateMachine.FromSnapshot(installed.Data);
            lastSnapshotIndex = installed.Metadata.Index;
            foreach (var index in proposals.Keys.Where(i => i <= installed.Metadata.Index).ToList())
            {
                // An entry folded into a snapshot has no outcome to read back here: it may have
                // committed, so only the client (with its idempotency key) may retry it.
                proposals.Remove(index, out var waiting);
                waiting.Done.TrySetResult(new GroupApplyOutcome(index, null, UnknownProposal));
            }

            ForgetOutcomesThrough(installed.Metadata.Index);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            var outcome = stateMachine.Apply(entry);
            ageing.Applied(entry.Term, raft.Role == Role.Leader, raft.Term, stateMachine.AgeingClockMs, Now);
            KeepOutcome(entry.Index, entry.Term, outcome);
            if (proposals.Remove(entry.Index, out var waiting))
            {
                waiting.Done.TrySetResult(waiting.Term == entry.Term ? outcome : outcome with { Problem = LostProposal });
            }
        }

        if (ready.Snapshot is not null || ready.CommittedEntries.Length > 0)
        {
            freshness.Applied(stateMachine.AppliedIndex);
            SignalApplied();
        }
    }

    /// <summary>
    /// A replica that stopped leading may still see its pending proposals through (the new leader
    /// commits what it had replicated, and they apply here), or learn they were overwritten; but in
    /// a group that goes quiet that can take indefinitely. Proposals still pending
    /// <see cref="AbandonAfterStepDown"/> after the step-down are answered as of unknown outcome.
    /// </summary>
    private void AbandonProposalsOnStepDown(Ready ready)
    {
        if (ready.SoftState is { Role: not Role.Leader } && proposals.Count > 0)
        {
            steppedDownAt ??= Now;
        }
        else if (ready.SoftState is { Role: Role.Leader })
        {
            steppedDownAt = null;
        }
    }

    /// <summary>On a tick (under the lock): gives up on proposals left over from a leadership this replica lost.</summary>
    private void ExpireAbandonedProposals()
    {
        if (steppedDownAt is not { } since || Now - since < AbandonAfterStepDown || raft.Role == Role.Leader)
        {
            return;
        }

        foreach (var (index, waiting) in proposals)
        {
            waiting.Done.TrySetResult(new GroupApplyOutcome(index, null, UnknownProposal));
        }

        proposals.Clear();
        steppedDownAt = null;
    }

    private static readonly TimeSpan AbandonAfterStepDown = TimeSpan.FromSeconds(10);
    private TimeSpan? steppedDownAt;

    /// <summary>Messages go out as one batch per destination node; snapshots as a stream of chunks of their own.</summary>
    private void Send(IReadOnlyList<Message> messages)
    {
        if (Transport is not { } transport)
        {
            return;
        }

        // One batch a recipient, recipients in the order of their first message, each batch in
        // order; without LINQ's grouping, since every pump round sends (the lists are short).
        for (var first = 0; first < messages.Count; first++)
        {
            var to = messages[first].To;
            if (!IsFirstTo(messages, first))
            {
                continue;
            }

            var node = topology.NameOf(to);
            if (Reachable is { } reachable && !reachable(node))
            {
                continue;
            }

            List<Message>? inline = null;
            for (var i = first; i < messages.Count; i++)
            {
                if (messages[i].To == to && messages[i].Snapshot is null)
                {
                    (inline ??= []).Add(messages[i]);
                }
            }

            if (inline is not null)
            {
                transport(node, RaftMessageCodec.Encode(inline));
            }

            for (var i = first; i < messages.Count; i++)
            {
                if (messages[i].To == to && messages[i].Snapshot is not null)
                {
                    SnapshotStreamer?.Send(node, messages[i]);
                }
            }
        }
    }

    private static bool IsFirstTo(IReadOnlyList<Message> messages, int index)
    {
        for (var i = 0; i < index; i++)
        {
            if (messages[i].To == messages[index].To)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Takes a snapshot of the state machine when due (under the lock); the caller saves it and compacts.</summary>
    private Snapshot? MaybeSnapshot()
    {
        if (raft.AppliedIndex - lastSnapshotIndex < options.SnapshotEveryEntries)
        {
            return null;
        }

        var index = raft.AppliedIndex;
        raft.CreateSnapshot(index, stateMachine.ToSnapshot());
        lastSnapshotIndex = index;
        return raft.LatestSnapshot;
    }
}
