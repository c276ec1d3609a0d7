using Platform.Consensus.Messages;
using Platform.Consensus.Tracking;

namespace Platform.Consensus;

/// <summary>The leader: replication with flow control, commit, heartbeats, CheckQuorum and leadership transfer.</summary>
public sealed partial class RaftNode
{
    private void StepLeader(Message message)
    {
        if (!progress.TryGetValue(message.From, out var peer))
        {
            return;
        }

        switch (message.Type)
        {
            case MessageType.AppendResponse:
                peer.RecentActive = true;
                HandleAppendResponse(message, peer);
                break;
            case MessageType.HeartbeatResponse:
                peer.RecentActive = true;
                HandleHeartbeatResponse(message, peer);
                break;
            default:
                break;
        }
    }

    private void HandleAppendResponse(Message message, Progress peer)
    {
        if (message.Reject)
        {
            var nextProbe = message.LogTerm > 0 ? log.FindConflictByTerm(message.RejectHint, message.LogTerm) : message.RejectHint;
            if (peer.MaybeDecreaseTo(message.Index, nextProbe))
            {
                if (peer.State == ProgressState.Replicate)
                {
                    peer.BecomeProbe();
                }

                SendAppend(message.From, peer, sendIfEmpty: true);
            }

            return;
        }

        if (!peer.MaybeUpdate(message.Index))
        {
            return;
        }

        switch (peer.State)
        {
            case ProgressState.Probe:
                peer.BecomeReplicate();
                break;
            case ProgressState.Snapshot when peer.Match >= peer.PendingSnapshot:
                peer.BecomeProbe();
                peer.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                peer.Inflights.FreeUpTo(message.Index);
                break;
            default:
                break;
        }

        if (MaybeCommit())
        {
            commitPending = true;
        }

        while (SendAppend(message.From, peer, sendIfEmpty: false))
        {
            // Keep the pipeline full until the window closes or the follower has everything.
        }

        if (message.From == transferTarget && peer.Match == log.LastIndex)
        {
            SendTimeoutNow(message.From);
        }
    }

    private void HandleHeartbeatResponse(Message message, Progress peer)
    {
        peer.ProbeSent = false;
        peer.AckedRound = Math.Max(peer.AckedRound, message.Context);
        if (peer.State == ProgressState.Snapshot && now - peer.SnapshotSentAt >= options.MinElectionTimeout)
        {
            // The snapshot or its answer was lost: probe again, which resends it if still needed.
            peer.BecomeProbe();
        }

        if (peer.State == ProgressState.Replicate && peer.Inflights.IsFull)
        {
            peer.Inflights.FreeFirst();
        }

        if (peer.Match < log.LastIndex)
        {
            // Even with nothing new past Next: the empty append makes a follower that lost
            // appends reject, and the rejection moves Next back to where it really is.
            SendAppend(message.From, peer, sendIfEmpty: true);
        }

        OnHeartbeatRoundAcknowledged();
    }

    /// <summary>Sends the entries a follower lacks (or a snapshot); false when nothing was sent.</summary>
    private bool SendAppend(ulong to, Progress peer, bool sendIfEmpty)
    {
        if (peer.IsPaused || to == Id)
        {
            return false;
        }

        var previousIndex = peer.Next - 1;
        if (!log.TryTerm(previousIndex, out var previousTerm))
        {
            return SendSnapshot(to, peer);
        }

        var entries = peer.Next <= log.LastIndex ? log.Slice(peer.Next, log.LastIndex, options.MaxMessageBytes) : [];
        if (entries.Length == 0 && !sendIfEmpty)
        {
            return false;
        }

        Send(new Message
        {
            Type = MessageType.Append,
            From = Id,
            To = to,
            Term = Term,
            Index = previousIndex,
            LogTerm = previousTerm,
            Entries = entries,
            Commit = log.Committed,
        });
        peer.SentEntries(previousIndex + entries.Length, entries.Length);
        return entries.Length > 0;
    }

    private bool SendSnapshot(ulong to, Progress peer)
    {
        if (!peer.RecentActive)
        {
            return false;
        }

        Invariant.Require(latestSnapshot is not null, "log compacted without a snapshot");
        Send(new Message { Type = MessageType.InstallSnapshot, From = Id, To = to, Term = Term, Snapshot = latestSnapshot });
        peer.BecomeSnapshot(latestSnapshot!.Metadata.Index, now);
        return false;
    }

    /// <summary>Sends what the Ready batching deferred: new entries, or just the new commit index.</summary>
    private void FlushAppends()
    {
        if (!appendPending && !commitPending)
        {
            return;
        }

        foreach (var (id, peer) in progress)
        {
            if (id == Id)
            {
                continue;
            }

            var sent = SendAppend(id, peer, sendIfEmpty: commitPending);
            while (sent && peer.State == ProgressState.Replicate && SendAppend(id, peer, sendIfEmpty: false))
            {
                // Large batches go out as several messages, bounded by the inflight window.
            }
        }

        appendPending = false;
        commitPending = false;
    }

    /// <summary>Commits the highest index a quorum of voters holds durably, if it is of the current term.</summary>
    private bool MaybeCommit()
    {
        Span<long> matches = stackalloc long[conf.Voters.Length];
        var count = 0;
        foreach (var voter in conf.Voters)
        {
            matches[count++] = progress.TryGetValue(voter, out var peer) ? peer.Match : 0;
        }

        matches.Sort();
        var quorumIndex = matches[count - conf.QuorumSize];

        // Only entries of the current term commit by counting replicas (Raft, section 5.4.2 / Figure 8).
        if (quorumIndex <= log.Committed || log.TermOrZero(quorumIndex) != Term)
        {
            return false;
        }

        log.CommitTo(quorumIndex);
        OnLeaderCommitted();
        return true;
    }

    private void TickLeader()
    {
        if (transferTarget != ReplicaId.None && now >= transferDeadline)
        {
            transferTarget = ReplicaId.None;
        }

        if (now >= checkQuorumDue)
        {
            checkQuorumDue = now + options.MinElectionTimeout;
            if (!QuorumRecentlyActive())
            {
                // CheckQuorum: a leader cut off from its quorum steps down rather than linger.
                BecomeFollower(Term, ReplicaId.None);
                return;
            }

            foreach (var (id, peer) in progress)
            {
                peer.RecentActive = id == Id;
            }
        }

        if (now >= heartbeatDue)
        {
            BroadcastHeartbeat();
        }
    }

    private bool QuorumRecentlyActive()
    {
        var active = 0;
        foreach (var voter in conf.Voters)
        {
            if (voter == Id || (progress.TryGetValue(voter, out var peer) && peer.RecentActive))
            {
                active++;
            }
        }

        return active >= conf.QuorumSize;
    }

    private void BroadcastHeartbeat()
    {
        heartbeatDue = now + options.HeartbeatInterval;
        var round = StartHeartbeatRound();
        foreach (var (id, peer) in progress)
        {
            if (id == Id)
            {
                continue;
            }

            Send(new Message
            {
                Type = MessageType.Heartbeat,
                From = Id,
                To = id,
                Term = Term,
                Commit = Math.Min(peer.Match, log.Committed),

                // The whole commit, which the follower may not apply yet: it tells how fresh it is.
                Index = log.Committed,
                Context = round,
            });
        }

        OnHeartbeatRoundAcknowledged();
    }

    /// <summary>Hands leadership to <paramref name="target"/> once its log is complete (Raft thesis, section 3.10).</summary>
    public TransferOutcome TransferLeadership(ulong target)
    {
        if (Role != Role.Leader)
        {
            return TransferOutcome.NotLeader;
        }

        if (target == Id)
        {
            return TransferOutcome.AlreadyLeader;
        }

        if (!conf.IsVoter(target))
        {
            return TransferOutcome.NotVoter;
        }

        transferTarget = target;
        transferDeadline = now + options.MinElectionTimeout;
        var peer = progress[target];
        if (peer.Match == log.LastIndex)
        {
            SendTimeoutNow(target);
        }
        else
        {
            SendAppend(target, peer, sendIfEmpty: true);
        }

        return TransferOutcome.Started;
    }

    private void SendTimeoutNow(ulong target)
    {
        // The target will campaign past every replica's leader stickiness, so no lease of this
        // term can be trusted from here on, even if the transfer is later abandoned.
        DisableLeaseForTerm();
        Send(new Message { Type = MessageType.TimeoutNow, From = Id, To = target, Term = Term });
    }
}
