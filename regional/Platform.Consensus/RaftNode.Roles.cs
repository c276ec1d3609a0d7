using Platform.Consensus.Log;
using Platform.Consensus.Messages;
using Platform.Consensus.Tracking;

namespace Platform.Consensus;

/// <summary>Role changes and campaigns.</summary>
public sealed partial class RaftNode
{
    private enum CampaignKind
    {
        PreElection,
        Election,
        Transfer,
    }

    private void BecomeFollower(long term, ulong leader)
    {
        if (term != Term)
        {
            Invariant.Require(term > Term, "term went backwards");
            Term = term;
            Vote = ReplicaId.None;
        }

        LeaveLeadership();
        Role = Role.Follower;
        Leader = leader;
        if (leader != ReplicaId.None)
        {
            lastLeaderContact = now;
        }

        stepRole = StepFollower;
        tickRole = TickElection;
        ResetElectionTimer();
    }

    private void BecomePreCandidate()
    {
        // PreVote changes neither term nor vote: a replica that cannot win leaves no trace.
        LeaveLeadership();
        Role = Role.PreCandidate;
        Leader = ReplicaId.None;
        votes.Clear();
        stepRole = StepCandidate;
        tickRole = TickElection;
        ResetElectionTimer();
    }

    private void BecomeCandidate()
    {
        LeaveLeadership();
        Term++;
        Vote = Id;
        Role = Role.Candidate;
        Leader = ReplicaId.None;
        votes.Clear();
        stepRole = StepCandidate;
        tickRole = TickElection;
        ResetElectionTimer();
    }

    private void BecomeLeader()
    {
        Invariant.Require(Role == Role.Candidate, "only a candidate becomes leader");
        Role = Role.Leader;
        Leader = Id;
        stepRole = StepLeader;
        tickRole = TickLeader;
        transferTarget = ReplicaId.None;

        progress.Clear();
        foreach (var member in conf.Members)
        {
            progress[member] = new Progress(log.LastIndex + 1, options.MaxInflightMessages, conf.IsLearner(member)) { RecentActive = true };
        }

        var self = SelfProgress();
        self.Match = log.StableIndex;
        self.Next = log.LastIndex + 1;
        self.BecomeReplicate();

        // Conservative: no membership change until everything in the log now has been applied.
        pendingConfIndex = log.LastIndex;
        heartbeatDue = now;
        checkQuorumDue = now + options.MinElectionTimeout;
        BecomeLeaderForReads();

        // The no-op of the new term: committing it commits every earlier entry (Raft, section 5.4.2).
        log.Append(Entry.Normal(log.LastIndex + 1, Term, ReadOnlyMemory<byte>.Empty));
        appendPending = true;
    }

    private void LeaveLeadership()
    {
        if (Role == Role.Leader)
        {
            AbandonPendingReads();
        }

        transferTarget = ReplicaId.None;
        appendPending = false;
        commitPending = false;
    }

    private Progress SelfProgress() => progress[Id];

    private void Campaign(CampaignKind kind)
    {
        long voteTerm;
        MessageType voteType;
        if (kind == CampaignKind.PreElection)
        {
            BecomePreCandidate();
            voteTerm = Term + 1;
            voteType = MessageType.PreVote;
        }
        else
        {
            BecomeCandidate();
            voteTerm = Term;
            voteType = MessageType.Vote;
        }

        if (RecordVote(Id, granted: true) == VoteTally.Won)
        {
            WinCampaign();
            return;
        }

        foreach (var voter in conf.Voters)
        {
            if (voter == Id)
            {
                continue;
            }

            Send(new Message
            {
                Type = voteType,
                From = Id,
                To = voter,
                Term = voteTerm,
                Index = log.LastIndex,
                LogTerm = log.LastTerm,
                Context = kind == CampaignKind.Transfer ? TransferCampaign : 0,
            });
        }
    }

    private void WinCampaign()
    {
        if (Role == Role.PreCandidate)
        {
            Campaign(CampaignKind.Election);
        }
        else
        {
            BecomeLeader();
        }
    }

    private enum VoteTally
    {
        Pending,
        Won,
        Lost,
    }

    private VoteTally RecordVote(ulong voter, bool granted)
    {
        votes.TryAdd(voter, granted);
        var grantedCount = 0;
        var rejectedCount = 0;
        foreach (var member in conf.Voters)
        {
            if (votes.TryGetValue(member, out var vote))
            {
                if (vote)
                {
                    grantedCount++;
                }
                else
                {
                    rejectedCount++;
                }
            }
        }

        if (grantedCount >= conf.QuorumSize)
        {
            return VoteTally.Won;
        }

        return conf.Voters.Length - rejectedCount < conf.QuorumSize ? VoteTally.Lost : VoteTally.Pending;
    }
}
