using Platform.Consensus.Messages;

namespace Platform.Consensus;

/// <summary>Messages in: the term rules every message obeys, votes, and the follower and candidate roles.</summary>
public sealed partial class RaftNode
{
    public void Step(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Invariant.Require(message.To == Id, "message delivered to the wrong replica");
        if (!StepTerm(message))
        {
            return;
        }

        if (message.Type is MessageType.Vote or MessageType.PreVote)
        {
            HandleVoteRequest(message);
            return;
        }

        stepRole(message);
    }

    /// <summary>Applies Raft's term rules; false when the message is stale or ignored.</summary>
    private bool StepTerm(Message message)
    {
        if (message.Term > Term)
        {
            if (message.Type is MessageType.Vote or MessageType.PreVote && IgnoresCampaigns(message))
            {
                return false;
            }

            var keepsTerm = message.Type == MessageType.PreVote
                || (message.Type == MessageType.PreVoteResponse && !message.Reject);
            if (!keepsTerm)
            {
                var leader = message.Type is MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot ? message.From : ReplicaId.None;
                BecomeFollower(message.Term, leader);
            }

            return true;
        }

        if (message.Term < Term)
        {
            if (message.Type is MessageType.Append or MessageType.Heartbeat)
            {
                // Tell a stale leader (one that woke from a pause, or was partitioned) the new term.
                Send(new Message { Type = MessageType.AppendResponse, From = Id, To = message.From, Term = Term });
            }
            else if (message.Type == MessageType.PreVote)
            {
                Send(new Message { Type = MessageType.PreVoteResponse, From = Id, To = message.From, Term = Term, Reject = true });
            }

            return false;
        }

        return true;
    }

    /// <summary>
    /// Leader stickiness: a replica in contact with a leader (the leader itself, or a replica that
    /// heard from one within the minimum election timeout), or that restarted less than one timeout
    /// ago, ignores campaigns. This is what makes leases safe and keeps a partitioned or paused
    /// replica from disturbing a healthy leader. Leadership transfer is the one exception, and a
    /// leader drops its lease before it starts one.
    /// </summary>
    private bool IgnoresCampaigns(Message message)
    {
        if (message.Context == TransferCampaign)
        {
            return false;
        }

        return InContactWithLeader || now < noVoteUntil;
    }

    /// <summary>
    /// True for the leader, and for a replica that heard from its leader within the minimum election
    /// timeout (etcd's in-lease check, whose leader counts too since its lead is itself). A leader
    /// that granted a higher-term PreVote or Vote would be deposed by any follower whose log is as
    /// long as its own, for instance one waking from a long pause while nothing was written: one
    /// needless election and a stall of writes. A leader stays one only while CheckQuorum finds a
    /// quorum active, so a leader cut off from its quorum stops ignoring campaigns within two
    /// election timeouts, as it steps down.
    /// </summary>
    private bool InContactWithLeader =>
        Role == Role.Leader || (Leader != ReplicaId.None && now - lastLeaderContact < options.MinElectionTimeout);

    private void HandleVoteRequest(Message message)
    {
        var responseType = message.Type == MessageType.Vote ? MessageType.VoteResponse : MessageType.PreVoteResponse;
        var canVote = Vote == message.From
            || (Vote == ReplicaId.None && Leader == ReplicaId.None)
            || (message.Type == MessageType.PreVote && message.Term > Term);
        var grant = canVote
            && log.IsUpToDate(message.Index, message.LogTerm)
            && (message.Context == TransferCampaign || now >= noVoteUntil);
        if (grant && message.Type == MessageType.Vote)
        {
            Vote = message.From;
            ResetElectionTimer();
        }

        Send(new Message
        {
            Type = responseType,
            From = Id,
            To = message.From,
            Term = grant ? message.Term : Term,
            Reject = !grant,
        });
    }

    private void StepFollower(Message message)
    {
        switch (message.Type)
        {
            case MessageType.Append:
                HeardFromLeader(message.From);
                HandleAppend(message);
                break;
            case MessageType.Heartbeat:
                HeardFromLeader(message.From);
                HandleHeartbeat(message);
                break;
            case MessageType.InstallSnapshot:
                HeardFromLeader(message.From);
                HandleSnapshot(message);
                break;
            case MessageType.TimeoutNow when IsPromotable:
                Campaign(CampaignKind.Transfer);
                break;
            case MessageType.MatchNotice:
                HandleMatchNotice(message);
                break;
            default:
                break;
        }
    }

    private void StepCandidate(Message message)
    {
        switch (message.Type)
        {
            case MessageType.Append or MessageType.Heartbeat or MessageType.InstallSnapshot:
                // A leader of this term exists: it won, so this campaign is over.
                BecomeFollower(message.Term, message.From);
                StepFollower(message);
                break;
            case MessageType.PreVoteResponse when Role == Role.PreCandidate:
            case MessageType.VoteResponse when Role == Role.Candidate:
                var tally = RecordVote(message.From, !message.Reject);
                if (tally == VoteTally.Won)
                {
                    WinCampaign();
                }
                else if (tally == VoteTally.Lost)
                {
                    BecomeFollower(Term, ReplicaId.None);
                }

                break;
            default:
                break;
        }
    }

    private void HeardFromLeader(ulong leader)
    {
        Invariant.Require(Leader == ReplicaId.None || Leader == leader, "two leaders in one term");
        Leader = leader;
        lastLeaderContact = now;
        ResetElectionTimer();
    }

    private void TickElection()
    {
        if (now < electionDeadline)
        {
            return;
        }

        if (IsPromotable)
        {
            Campaign(CampaignKind.PreElection);
        }
        else
        {
            ResetElectionTimer();
        }
    }

    /// <summary>
    /// The highest commit index a leader announced to this replica (whole, not capped at what this
    /// replica holds): once applied that far, its state holds everything committed when it was said.
    /// </summary>
    public long LeaderCommit { get; private set; }

    private void HandleAppend(Message message)
    {
        LeaderCommit = Math.Max(LeaderCommit, message.Commit);
        if (message.Index < log.Committed)
        {
            Send(Response(message.From, MessageType.AppendResponse) with { Index = log.Committed });
            return;
        }

        var lastMatched = log.TryAppendFromLeader(message.Index, message.LogTerm, message.Entries);
        if (lastMatched is { } matched)
        {
            log.CommitTo(Math.Min(message.Commit, matched));
            Send(Response(message.From, MessageType.AppendResponse) with { Index = matched });
            OnFollowerMatched(message.From, matched);
            return;
        }

        // Fast backtracking: name the last index whose term could still match, with its term,
        // so the leader skips a whole conflicting term per round trip (etcd's findConflictByTerm).
        var hintIndex = log.FindConflictByTerm(Math.Min(message.Index, log.LastIndex), message.LogTerm);
        Send(Response(message.From, MessageType.AppendResponse) with
        {
            Index = message.Index,
            Reject = true,
            RejectHint = hintIndex,
            LogTerm = log.TermOrZero(hintIndex),
        });
    }

    private void HandleHeartbeat(Message message)
    {
        LeaderCommit = Math.Max(LeaderCommit, message.Index);
        log.CommitTo(message.Commit);
        Send(Response(message.From, MessageType.HeartbeatResponse) with { Context = message.Context });
    }

    private void HandleSnapshot(Message message)
    {
        var snapshot = message.Snapshot;
        Invariant.Require(snapshot is not null, "InstallSnapshot without a snapshot");
        var metadata = snapshot!.Metadata;
        if (metadata.Index <= log.Committed)
        {
            Send(Response(message.From, MessageType.AppendResponse) with { Index = log.Committed });
            return;
        }

        if (log.MatchTerm(metadata.Index, metadata.Term))
        {
            // The log already holds the snapshot's last entry: fast-forward the commit instead.
            log.CommitTo(metadata.Index);
            Send(Response(message.From, MessageType.AppendResponse) with { Index = log.Committed });
            return;
        }

        log.RestoreSnapshot(metadata.Index, metadata.Term);
        conf = metadata.ConfState;
        confIndex = metadata.Index;
        latestSnapshot = snapshot;
        snapshotToPersist = snapshot;
        Send(Response(message.From, MessageType.AppendResponse) with { Index = metadata.Index });
    }

    private Message Response(ulong to, MessageType type) => new() { Type = type, From = Id, To = to, Term = Term };
}
