using Platform.Consensus.Membership;

namespace Platform.Consensus.Tests.Protocol;

/// <summary>Learners and single-server membership changes.</summary>
public sealed class MembershipTests
{
    [Fact]
    public void A_learner_catches_up_without_voting_and_is_then_promoted_into_the_quorum()
    {
        var cluster = new ScriptedCluster(3, spares: 1);
        cluster.Elect(1);
        cluster.Propose(1, "before");
        cluster.Stabilize();

        Assert.True(cluster.ProposeConfChange(1, new ConfChange(ConfChangeType.AddLearner, 4)).IsAccepted);
        cluster.Elapse(TimeSpan.FromMilliseconds(500), deliver: true);
        Assert.Equal([4UL], cluster[1].Configuration.Learners);
        Assert.Equal(cluster[1].CommitIndex, cluster[4].CommitIndex);
        Assert.Contains(cluster.Applied(4), e => ScriptedCluster.Text(e) == "before");

        // A learner never campaigns, however long it hears nothing.
        cluster.Isolate(4);
        cluster.Elapse(TimeSpan.FromSeconds(5), deliver: true);
        Assert.Equal(Role.Follower, cluster[4].Role);
        Assert.Equal(cluster[1].Term, cluster[4].Term);
        cluster.Heal();

        Assert.True(cluster.ProposeConfChange(1, new ConfChange(ConfChangeType.AddVoter, 4)).IsAccepted);
        cluster.Elapse(TimeSpan.FromMilliseconds(500), deliver: true);
        Assert.Equal([1UL, 2, 3, 4], cluster[1].Configuration.Voters);
        Assert.Equal(3, cluster[1].Configuration.QuorumSize);

        // With 4 voters, the leader and one follower are no longer a quorum.
        var commitBefore = cluster[1].CommitIndex;
        cluster.Crash(3);
        cluster.Crash(4);
        cluster.Propose(1, "needs three");
        cluster.Stabilize();
        Assert.Equal(commitBefore, cluster[1].CommitIndex);

        cluster.Restart(4);
        cluster.Elapse(TimeSpan.FromMilliseconds(500), deliver: true);
        Assert.True(cluster[1].CommitIndex > commitBefore);
    }

    [Fact]
    public void Changes_go_one_at_a_time_and_only_after_the_leader_committed_in_its_term()
    {
        var cluster = new ScriptedCluster(3, spares: 2);
        cluster.Elapse(TimeSpan.FromMilliseconds(1000), tickOnly: [1]);
        cluster.DeliverAll();
        cluster.DeliverAll();
        cluster.DeliverAll();
        cluster.DeliverAll();
        Assert.Equal(Role.Leader, cluster[1].Role);
        Assert.Equal(ProposeOutcome.LeaderNotReady, cluster.ProposeConfChange(1, new ConfChange(ConfChangeType.AddLearner, 4)).Outcome);

        cluster.Stabilize();
        Assert.True(cluster.ProposeConfChange(1, new ConfChange(ConfChangeType.AddLearner, 4)).IsAccepted);
        Assert.Equal(ProposeOutcome.ConfChangePending, cluster.ProposeConfChange(1, new ConfChange(ConfChangeType.AddLearner, 5)).Outcome);

        cluster.Stabilize();
        Assert.True(cluster.ProposeConfChange(1, new ConfChange(ConfChangeType.AddLearner, 5)).IsAccepted);
    }

    [Fact]
    public void A_leader_that_removes_itself_steps_down_and_the_rest_elect_a_new_one()
    {
        var cluster = new ScriptedCluster(3);
        cluster.Elect(1);

        Assert.True(cluster.ProposeConfChange(1, new ConfChange(ConfChangeType.Remove, 1)).IsAccepted);
        cluster.Stabilize();
        Assert.NotEqual(Role.Leader, cluster[1].Role);

        cluster.Elapse(TimeSpan.FromSeconds(3), deliver: true);
        Assert.Contains(new ulong[] { 2, 3 }, id => cluster[id].Role == Role.Leader);
        Assert.Equal([2UL, 3], cluster[2].Configuration.Voters);
    }

    [Theory]
    [InlineData(ConfChangeType.AddVoter, 1UL, "already a voter")]
    [InlineData(ConfChangeType.AddLearner, 2UL, "already a member")]
    [InlineData(ConfChangeType.Remove, 9UL, "not a member")]
    public void Invalid_changes_are_refused_with_a_reason(ConfChangeType type, ulong replica, string reason)
    {
        var cluster = new ScriptedCluster(3);
        cluster.Elect(1);

        var result = cluster.ProposeConfChange(1, new ConfChange(type, replica));

        Assert.Equal(ProposeOutcome.InvalidConfChange, result.Outcome);
        Assert.Contains(reason, result.Problem, StringComparison.Ordinal);
    }
}
