using Platform.Consensus.Membership;
using Platform.Consensus.Messages;

namespace Platform.Consensus.Tests.Protocol;

/// <summary>
/// Followers that commit on their own from the voters' shared durable matches
/// (<see cref="RaftOptions.ShareMatches"/>): they do before the leader's word arrives, and never by
/// counting a configuration that is not the one in force.
/// </summary>
public sealed class SharedMatchesTests
{
    private static ScriptedCluster Cluster(int voters, int spares = 0) =>
        new(voters, id => ScriptedCluster.DefaultOptions(id) with { ShareMatches = true }, spares);

    [Fact]
    public void Followers_commit_an_entry_a_quorum_holds_before_the_leader_hears_of_it()
    {
        var cluster = Cluster(3);
        cluster.Elect(1);
        var written = cluster.Propose(1, "x");

        // The followers' acknowledgements never reach the leader; their notices to each other do.
        for (var round = 0; round < 10; round++)
        {
            cluster.DropWhere(m => m.Type == MessageType.AppendResponse);
            cluster.DeliverAll();
        }

        Assert.True(cluster[1].CommitIndex < written.Index, "the leader counted acknowledgements it never received");
        foreach (var follower in new ulong[] { 2, 3 })
        {
            Assert.True(cluster[follower].CommitIndex >= written.Index, $"follower {follower} did not commit from the shared matches");
            Assert.Contains(cluster.Applied(follower), e => ScriptedCluster.Text(e) == "x");
        }
    }

    [Fact]
    public void A_follower_behind_on_membership_does_not_commit_by_counting_the_old_voters()
    {
        var cluster = Cluster(3, spares: 2);
        cluster.Elect(1);

        // Replica 2 is away while the group grows to five voters.
        cluster.Isolate(2);
        foreach (var (type, id) in new[] { (ConfChangeType.AddLearner, 4UL), (ConfChangeType.AddVoter, 4UL), (ConfChangeType.AddLearner, 5UL), (ConfChangeType.AddVoter, 5UL) })
        {
            Assert.True(cluster.ProposeConfChange(1, new ConfChange(type, id)).IsAccepted, $"{type} {id}");
            cluster.Elapse(TimeSpan.FromMilliseconds(500), deliver: true);
        }

        Assert.Equal([1UL, 2, 3, 4, 5], cluster[1].Configuration.Voters);

        // Back, it catches up with the leader alone: the leader and replica 2 are 2 of 5, no quorum,
        // though 2 of the 3 voters replica 2 knew before it applies the changes it just received.
        cluster.Heal();
        var written = cluster.Propose(1, "x");
        for (var round = 0; round < 60; round++)
        {
            cluster.DropWhere(m => m.From is 3 or 4 or 5 || m.To is 3 or 4 or 5);
            cluster.DeliverAll();
            cluster.Elapse(TimeSpan.FromMilliseconds(20));
        }

        Assert.True(cluster[2].Configuration.Voters.Length == 5, "replica 2 did not catch up with the membership");
        Assert.True(cluster[1].CommitIndex < written.Index);
        Assert.True(cluster[2].CommitIndex < written.Index, $"replica 2 committed {cluster[2].CommitIndex} (the entry at {written.Index} is held by 2 of 5 voters)");
        Assert.DoesNotContain(cluster.Applied(2), e => ScriptedCluster.Text(e) == "x");
    }
}
