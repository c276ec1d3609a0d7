using Microsoft.Extensions.Logging;
using Platform.Consensus;
using Platform.Consensus.Membership;

namespace Platform.Regional.Replicas;

/// <summary>
/// A wiped node's new incarnation joins each group as a learner, while the node's previous
/// incarnation keeps its seat among the voters, so the group keeps its voter count through the
/// catch-up. Once the learner has matched the commit index the leader puts it in the seat, in two
/// single-server changes (each only after the leader committed in its term, one at a time): it
/// removes the previous incarnation, then promotes the learner.
/// </summary>
/// <remarks>
/// Why that order and not promote first, then remove: the previous incarnation is dead (its disk
/// is gone). Promoting first would make the group one voter larger with that dead voter still in
/// it (3 voters become 4, whose quorum is 3: all three live replicas), so every commit, among them
/// the removal that ends this state, would wait for the replica that has only just caught up, and
/// a failure of any of the three would stall the group. Removing first leaves 2 voters, whose
/// quorum is the same two replicas that a 3-voter group with a dead member needs through the whole
/// catch-up, and the promotion follows as soon as the removal is applied (the learner is caught
/// up). Both orders tolerate the same number of failures (with 5 voters: one, either way); this
/// one never needs a replica the catch-up did not already need.
/// </remarks>
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

            // An earlier incarnation that was still a learner (wiped again before it was promoted)
            // goes first: a learner counts in no quorum, so removing it changes none. An earlier
            // voter keeps its seat until the new learner has caught up (see the remarks above).
            var staleLearner = conf.Learners.FirstOrDefault(m => topology.SameSeat(m, replica));
            var change = staleLearner != ReplicaId.None ? new ConfChange(ConfChangeType.Remove, staleLearner) : new ConfChange(ConfChangeType.AddLearner, replica);
            result = raft.ProposeConfChange(change);
            if (result.IsAccepted)
            {
                LogMembership(logger, group, change.Type.ToString(), change.Replica, topology.NameOf(change.Replica));
            }
        }

        _ = PumpAsync();
        return new JoinReply(JoinStatus.Pending, topology.NameOf(topology.SelfId));
    }

    /// <summary>
    /// At the leader, under the lock on a tick: for a learner that has caught up and whose seat
    /// votes, removes the seat's previous incarnation if it is still a voter, otherwise promotes the
    /// learner. Learners still catching up are looked at once a second; from the removal on, every
    /// tick, so the seat is empty (one voter short) no longer than it takes to apply the removal.
    /// </summary>
    private void PromoteCaughtUpLearners()
    {
        if (raft.Role != Role.Leader || Now < nextPromotionCheck || raft.Configuration.Learners.IsEmpty)
        {
            return;
        }

        nextPromotionCheck = Now + PromotionPause;
        var voters = raft.Configuration.Voters;
        foreach (var learner in raft.ProgressSnapshot().Where(p => p.IsLearner && topology.Votes(p.Replica)))
        {
            var previous = voters.FirstOrDefault(v => topology.SameSeat(v, learner.Replica));
            if (previous == ReplicaId.None)
            {
                // A voting seat without a voter: its previous incarnation is already gone (removed by
                // this leader or an earlier one), so the promotion is due as soon as the learner acknowledges.
                nextPromotionCheck = Now;
            }

            if (learner.Match < raft.CommitIndex)
            {
                continue;
            }

            var change = previous != ReplicaId.None ? new ConfChange(ConfChangeType.Remove, previous) : new ConfChange(ConfChangeType.AddVoter, learner.Replica);
            var result = raft.ProposeConfChange(change);
            if (result.IsAccepted || result.Outcome == ProposeOutcome.ConfChangePending)
            {
                // A handover is under way: look again on the next tick.
                nextPromotionCheck = Now;
            }

            if (result.IsAccepted)
            {
                LogMembership(logger, group, previous != ReplicaId.None ? "remove the previous incarnation" : "promote to voter", change.Replica, topology.NameOf(change.Replica));
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
