using Microsoft.Extensions.Logging;
using Platform.Consensus;
using Platform.Consensus.Membership;

namespace Platform.Regional.Replication;

/// <summary>
/// A wiped node's new incarnation joins each group as a learner: it asks the leader, which first
/// removes the node's previous incarnation (one single-server change), then adds the new one as a
/// learner, and promotes it to voter once it has caught up with the commit index.
/// </summary>
public sealed partial class ReplicaCore
{
    private static readonly TimeSpan PromotionPause = TimeSpan.FromSeconds(1);
    private TimeSpan nextPromotionCheck;

    /// <summary>True while this replica is not in the group's configuration: it must ask to be added.</summary>
    public bool NeedsToJoin
    {
        get
        {
            lock (gate)
            {
                return !raft.Configuration.Contains(raft.Id);
            }
        }
    }

    /// <summary>At the leader: takes the next step of adding <paramref name="replica"/> (a rejoining node's new incarnation).</summary>
    public JoinReply RequestJoin(ulong replica)
    {
        ProposeResult result;
        lock (gate)
        {
            if (raft.Role != Role.Leader)
            {
                return new JoinReply(JoinStatus.NotLeader, LeaderNode(raft.Leader));
            }

            var conf = raft.Configuration;
            if (conf.Contains(replica))
            {
                return new JoinReply(JoinStatus.Member, topology.NameOf(topology.SelfId));
            }

            var previous = conf.Members.FirstOrDefault(m => m != replica && topology.SameSeat(m, replica));
            var change = previous != ReplicaId.None ? new ConfChange(ConfChangeType.Remove, previous) : new ConfChange(ConfChangeType.AddLearner, replica);
            result = raft.ProposeConfChange(change);
            if (result.IsAccepted)
            {
                LogMembership(logger, group, change.Type.ToString(), change.Replica, topology.NameOf(change.Replica));
            }
        }

        _ = PumpAsync();
        return new JoinReply(JoinStatus.Pending, topology.NameOf(topology.SelfId));
    }

    /// <summary>At the leader, under the lock on a tick: promotes a learner that has caught up, whose seat votes and whose node has no voter.</summary>
    private void PromoteCaughtUpLearners()
    {
        if (raft.Role != Role.Leader || Now < nextPromotionCheck || raft.Configuration.Learners.IsEmpty)
        {
            return;
        }

        nextPromotionCheck = Now + PromotionPause;
        var voters = raft.Configuration.Voters;
        foreach (var learner in raft.ProgressSnapshot().Where(p => p.IsLearner && p.Match >= raft.CommitIndex))
        {
            if (topology.Votes(learner.Replica) && !voters.Any(v => topology.SameSeat(v, learner.Replica)) && raft.ProposeConfChange(new ConfChange(ConfChangeType.AddVoter, learner.Replica)).IsAccepted)
            {
                LogMembership(logger, group, "promote to voter", learner.Replica, topology.NameOf(learner.Replica));
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "group {Group}: membership change {Change} of replica {Replica} ({Node})")]
    private static partial void LogMembership(ILogger logger, ulong group, string change, ulong replica, string node);
}

public enum JoinStatus
{
    Member,
    Pending,
    NotLeader,
}

[GenerateSerializer]
[Immutable]
public sealed record JoinReply([property: Id(0)] JoinStatus Status, [property: Id(1)] string? LeaderNode);
