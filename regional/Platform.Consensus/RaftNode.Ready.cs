using Platform.Consensus.Log;

namespace Platform.Consensus;

/// <summary>The output side: collecting a <see cref="Ready"/> and acknowledging it.</summary>
public sealed partial class RaftNode
{
    public bool HasReady =>
        !readyOutstanding
        && (outbox.Count > 0
            || (Role == Role.Leader && (appendPending || commitPending))
            || log.StableIndex < log.LastIndex
            || snapshotToPersist is not null
            || log.Committed > log.Applying
            || readStates.Count > 0
            || abandonedReads.Count > 0
            || CurrentHardState != lastHardState
            || new SoftState(Leader, Role) != lastSoftState);

    private HardState CurrentHardState => new(Term, Vote, log.Committed);

    /// <summary>Collects everything to persist, send and apply. One Ready at a time: call <see cref="Advance"/> before the next.</summary>
    public Ready GetReady()
    {
        Invariant.Require(!readyOutstanding, "the previous Ready was not advanced");
        var committed = log.NextCommittedEntries(options.MaxApplyBytes);
        foreach (var entry in committed)
        {
            if (entry.Type == EntryType.Configuration)
            {
                ApplyConfiguration(entry);
            }
        }

        if (Role == Role.Leader)
        {
            FlushAppends();
        }

        var hardState = CurrentHardState;
        var softState = new SoftState(Leader, Role);
        var ready = new Ready
        {
            HardState = hardState != lastHardState ? hardState : null,
            SoftState = softState != lastSoftState ? softState : null,
            Entries = log.UnstableEntries(),
            Snapshot = snapshotToPersist,
            CommittedEntries = committed,
            Messages = outbox,
            ReadStates = readStates.Count == 0 ? [] : [.. readStates],
            AbandonedReads = abandonedReads.Count == 0 ? [] : [.. abandonedReads],
        };

        outbox = [];
        readStates.Clear();
        abandonedReads.Clear();
        readyOutstanding = true;
        return ready;
    }

    /// <summary>Acknowledges that <paramref name="ready"/> was persisted, sent and applied.</summary>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        Invariant.Require(readyOutstanding, "Advance without a Ready");
        readyOutstanding = false;
        if (ready.Snapshot is { } snapshot)
        {
            log.SnapshotApplied(snapshot.Metadata.Index);
            if (ReferenceEquals(snapshotToPersist, snapshot))
            {
                snapshotToPersist = null;
            }
        }

        if (ready.Entries.Length > 0)
        {
            var last = ready.Entries[^1];
            log.StableTo(last.Index, last.Term);
        }

        if (ready.CommittedEntries.Length > 0)
        {
            log.AppliedTo(ready.CommittedEntries[^1].Index);
        }

        if (ready.HardState is { } hardState)
        {
            lastHardState = hardState;
        }

        if (ready.SoftState is { } softState)
        {
            lastSoftState = softState;
        }

        // The leader's own entries count toward the quorum only once they are on its disk.
        if (Role == Role.Leader)
        {
            var self = SelfProgress();
            if (self.MaybeUpdate(log.StableIndex))
            {
                OnLeaderDurable(self.Match);
                if (MaybeCommit())
                {
                    commitPending = true;
                }
            }
        }
    }
}
