using Platform.Consensus.Membership;

namespace Platform.Consensus.Tests.Membership;

public sealed class ConfStateTests
{
    [Fact]
    public void The_codec_round_trips_voters_and_learners()
    {
        var conf = new ConfState([3, 1, 2], [7]);

        var decoded = ConfStateCodec.Decode(ConfStateCodec.Encode(conf));

        Assert.Equal(conf, decoded);
        Assert.Equal([1UL, 2, 3], decoded.Voters);
    }

    [Fact]
    public void A_truncated_configuration_entry_is_refused()
    {
        var bytes = ConfStateCodec.Encode(new ConfState([1, 2, 3], []));

        Assert.Throws<RaftInvariantException>(() => ConfStateCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(5, 3)]
    public void Quorum_is_a_majority_of_voters(int voters, int quorum)
    {
        var conf = new ConfState(Enumerable.Range(1, voters).Select(i => (ulong)i), [9]);

        Assert.Equal(quorum, conf.QuorumSize);
    }

    [Fact]
    public void A_replica_is_never_both_voter_and_learner()
    {
        Assert.Throws<RaftInvariantException>(() => new ConfState([1, 2], [2]));
    }

    [Fact]
    public void Promoting_a_learner_moves_it_to_the_voters()
    {
        var (next, problem) = new ConfChange(ConfChangeType.AddVoter, 4).ApplyTo(new ConfState([1, 2, 3], [4]));

        Assert.Null(problem);
        Assert.Equal([1UL, 2, 3, 4], next!.Voters);
        Assert.Empty(next.Learners);
    }

    [Fact]
    public void The_last_voter_cannot_be_removed()
    {
        var (next, problem) = new ConfChange(ConfChangeType.Remove, 1).ApplyTo(new ConfState([1], [2]));

        Assert.Null(next);
        Assert.Contains("last voter", problem, StringComparison.Ordinal);
    }
}
