namespace Platform.Consensus;

/// <summary>
/// Linearizable reads: ReadIndex (a heartbeat round acknowledged by a quorum proves leadership
/// after the read arrived) and the leader lease (a quorum-acknowledged heartbeat vouches for
/// leadership for <see cref="RaftOptions.EffectiveLeaseDuration"/> after it was sent).
/// </summary>
public sealed partial class RaftNode
{
    private readonly Queue<PendingRead> pendingReads = new();
    private readonly List<ReadState> readStates = [];
    private readonly List<long> abandonedReads = [];
    private TimeSpan[] roundSentAt = [];
    private long[] roundNumbers = [];

    private long heartbeatRound;
    private long quorumAckedRound;
    private long leaseFloorRound;
    private bool leaseDisabledForTerm;
    private bool readRoundWanted;

    /// <summary>A read waiting for its index (until the leader commits in its term) and then for its round.</summary>
    private sealed class PendingRead(long requestId)
    {
        public long RequestId { get; } = requestId;

        public long Index { get; set; } = -1;

        public long RequiredRound { get; set; }
    }

    /// <summary>True once the leader has committed an entry of its term: before that its commit index may be behind.</summary>
    private bool CommittedInCurrentTerm => log.TermOrZero(log.Committed) == Term;

    /// <summary>
    /// The index a read must see. Normally the commit index; when followers commit on their own
    /// (<see cref="RaftOptions.ShareMatches"/>) one may have acknowledged an entry this leader does
    /// not yet know is committed, so the read point is the leader's last entry, which holds every
    /// such entry, and the read waits until that is applied.
    /// </summary>
    private long ReadPoint => options.ShareMatches ? log.LastIndex : log.Committed;

    private void InitializeReads()
    {
        roundSentAt = new TimeSpan[options.HeartbeatRoundsRemembered];
        roundNumbers = new long[options.HeartbeatRoundsRemembered];
    }

    /// <summary>
    /// Asks for a linearizable read point. With <paramref name="allowLease"/> and a valid lease it is
    /// answered in the next Ready with no message; otherwise it joins the next heartbeat round.
    /// </summary>
    public ReadOutcome ReadIndex(long requestId, bool allowLease)
    {
        if (Role != Role.Leader)
        {
            return ReadOutcome.NotLeader;
        }

        if (allowLease && LeaseValid())
        {
            readStates.Add(new ReadState(requestId, ReadPoint, ViaLease: true));
            return ReadOutcome.Pending;
        }

        if (pendingReads.Count >= options.MaxPendingReads)
        {
            return ReadOutcome.Overloaded;
        }

        var read = new PendingRead(requestId);
        pendingReads.Enqueue(read);
        if (CommittedInCurrentTerm)
        {
            AssignReadPoint(read);
        }

        return ReadOutcome.Pending;
    }

    /// <summary>True while the lease vouches for this leader at the current time.</summary>
    public bool LeaseValid() => LeaseValidAt(now);

    /// <summary>Whether the lease would vouch at local time <paramref name="at"/>: the simulator's lease-safety check reads a paused leader's running clock.</summary>
    internal bool LeaseValidAt(TimeSpan at)
    {
        if (Role != Role.Leader || leaseDisabledForTerm || transferTarget != ReplicaId.None || !CommittedInCurrentTerm)
        {
            return false;
        }

        if (conf.Voters.Length == 1)
        {
            return true;
        }

        var leaseRound = quorumAckedRound;
        if (leaseRound < leaseFloorRound || leaseRound == 0 || !TryRoundSentAt(leaseRound, out var sentAt))
        {
            return false;
        }

        return at < sentAt + options.EffectiveLeaseDuration;
    }

    private void AssignReadPoint(PendingRead read)
    {
        read.Index = ReadPoint;
        read.RequiredRound = heartbeatRound + 1;
        if (conf.Voters.Length == 1)
        {
            // A single voter is its own quorum.
            read.RequiredRound = heartbeatRound;
            quorumAckedRound = heartbeatRound;
            CompleteReads();
            return;
        }

        if (quorumAckedRound >= heartbeatRound)
        {
            BroadcastHeartbeat();
        }
        else
        {
            // A round is in flight; the next one starts when it completes, shared by all that wait.
            readRoundWanted = true;
        }
    }

    private void OnLeaderCommitted()
    {
        if (!CommittedInCurrentTerm)
        {
            return;
        }

        // A copy: assigning a read point can complete reads, which dequeues them.
        foreach (var read in pendingReads.Where(r => r.Index < 0).ToList())
        {
            AssignReadPoint(read);
        }
    }

    private long StartHeartbeatRound()
    {
        heartbeatRound++;
        var slot = (int)(heartbeatRound % roundSentAt.Length);
        roundSentAt[slot] = now;
        roundNumbers[slot] = heartbeatRound;
        return heartbeatRound;
    }

    private bool TryRoundSentAt(long round, out TimeSpan sentAt)
    {
        var slot = (int)(round % roundSentAt.Length);
        sentAt = roundSentAt[slot];
        return roundNumbers[slot] == round;
    }

    /// <summary>Recomputes the newest round a quorum of voters acknowledged and serves the reads it proves.</summary>
    private void OnHeartbeatRoundAcknowledged()
    {
        if (Role != Role.Leader)
        {
            return;
        }

        Span<long> acked = stackalloc long[conf.Voters.Length];
        var count = 0;
        foreach (var voter in conf.Voters)
        {
            acked[count++] = voter == Id ? heartbeatRound : ProgressOf(voter)?.AckedRound ?? 0;
        }

        acked.Sort();
        quorumAckedRound = Math.Max(quorumAckedRound, acked[count - conf.QuorumSize]);
        CompleteReads();
        if (readRoundWanted && quorumAckedRound >= heartbeatRound)
        {
            readRoundWanted = false;
            BroadcastHeartbeat();
        }
    }

    private void CompleteReads()
    {
        while (pendingReads.Count > 0)
        {
            var read = pendingReads.Peek();
            if (read.Index < 0 || read.RequiredRound > quorumAckedRound)
            {
                return;
            }

            pendingReads.Dequeue();
            readStates.Add(new ReadState(read.RequestId, read.Index, ViaLease: false));
        }
    }

    private void BecomeLeaderForReads()
    {
        quorumAckedRound = heartbeatRound;
        leaseFloorRound = heartbeatRound + 1;
        leaseDisabledForTerm = false;
        readRoundWanted = false;
        foreach (var peer in progress.Values)
        {
            peer.AckedRound = heartbeatRound;
        }
    }

    /// <summary>Only acknowledgements of rounds sent from now on count toward a lease.</summary>
    private void DropLease() => leaseFloorRound = heartbeatRound + 1;

    private void DisableLeaseForTerm() => leaseDisabledForTerm = true;

    private void AbandonPendingReads()
    {
        foreach (var read in pendingReads)
        {
            abandonedReads.Add(read.RequestId);
        }

        pendingReads.Clear();
        readRoundWanted = false;
    }
}
