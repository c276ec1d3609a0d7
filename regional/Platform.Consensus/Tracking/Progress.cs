namespace Platform.Consensus.Tracking;

internal enum ProgressState : byte
{
    /// <summary>Where the follower's log matches is unknown: one append at a time until it answers.</summary>
    Probe,

    /// <summary>The follower matches; appends are pipelined within the inflight window.</summary>
    Replicate,

    /// <summary>The follower needs a snapshot; appends wait until it is installed.</summary>
    Snapshot,
}

/// <summary>What the leader knows of one replica's log (etcd's tracker.Progress).</summary>
internal sealed class Progress(long next, int maxInflight, bool isLearner)
{
    public long Match { get; set; }

    public long Next { get; set; } = next;

    public ProgressState State { get; private set; } = ProgressState.Probe;

    /// <summary>In Probe: an append is out and unanswered, so wait for its answer or a heartbeat.</summary>
    public bool ProbeSent { get; set; }

    public long PendingSnapshot { get; private set; }

    public TimeSpan SnapshotSentAt { get; private set; }

    /// <summary>Heard from since the last CheckQuorum pass.</summary>
    public bool RecentActive { get; set; }

    /// <summary>The highest heartbeat round this replica has acknowledged.</summary>
    public long AckedRound { get; set; }

    public bool IsLearner { get; set; } = isLearner;

    public Inflights Inflights { get; } = new(maxInflight);

    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.IsFull,
        _ => true,
    };

    public void BecomeProbe()
    {
        // After a snapshot, the follower has at least the snapshot's index.
        Next = State == ProgressState.Snapshot ? Math.Max(Match + 1, PendingSnapshot + 1) : Match + 1;
        State = ProgressState.Probe;
        ProbeSent = false;
        PendingSnapshot = 0;
        Inflights.Reset();
    }

    public void BecomeReplicate()
    {
        State = ProgressState.Replicate;
        Next = Match + 1;
        ProbeSent = false;
        PendingSnapshot = 0;
        Inflights.Reset();
    }

    public void BecomeSnapshot(long snapshotIndex, TimeSpan now)
    {
        State = ProgressState.Snapshot;
        PendingSnapshot = snapshotIndex;
        SnapshotSentAt = now;
        ProbeSent = false;
        Inflights.Reset();
    }

    /// <summary>A successful append response up to <paramref name="index"/>; false when it is stale.</summary>
    public bool MaybeUpdate(long index)
    {
        var updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
        }

        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>
    /// A rejected append of the entries after <paramref name="rejected"/>; moves Next back to just past
    /// <paramref name="matchHint"/>. False when the rejection is stale (answers an older append).
    /// </summary>
    public bool MaybeDecreaseTo(long rejected, long matchHint)
    {
        if (State == ProgressState.Replicate)
        {
            if (rejected <= Match)
            {
                return false;
            }

            Next = Match + 1;
            return true;
        }

        if (Next - 1 != rejected)
        {
            return false;
        }

        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        ProbeSent = false;
        return true;
    }

    /// <summary>Records an append sent with entries through <paramref name="lastIndex"/>.</summary>
    public void SentEntries(long lastIndex, int entryCount)
    {
        if (State == ProgressState.Replicate)
        {
            if (entryCount > 0)
            {
                Next = lastIndex + 1;
                Inflights.Add(lastIndex);
            }
        }
        else if (State == ProgressState.Probe)
        {
            ProbeSent = true;
        }
    }

    public override string ToString() => $"{State} match={Match} next={Next}{(IsLearner ? " learner" : string.Empty)}";
}
