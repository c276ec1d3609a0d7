using Platform.Consensus.Membership;

namespace Platform.Consensus.Tests.Protocol;

/// <summary>A group of one voter is its own quorum: it elects itself, commits and reads alone.</summary>
public sealed class SingleVoterTests
{
    [Fact]
    public void Reads_asked_before_the_first_commit_of_the_term_are_answered_once_it_lands()
    {
        var node = new RaftNode(new RaftOptions { Id = 1 }, RaftRestoreState.Bootstrap(new ConfState([1], [])), TimeSpan.Zero, new SeededRandomSource(1));
        node.Tick(TimeSpan.FromSeconds(3));
        Assert.Equal(Role.Leader, node.Role);

        // The no-op of the term is not durable yet, so nothing of this term is committed.
        Assert.Equal(ReadOutcome.Pending, node.ReadIndex(7, allowLease: false));
        Assert.Equal(ReadOutcome.Pending, node.ReadIndex(8, allowLease: true));
        var states = new List<ReadState>();
        while (node.HasReady)
        {
            var ready = node.GetReady();
            states.AddRange(ready.ReadStates);
            node.Advance(ready);
        }

        Assert.Equal([7L, 8], states.Select(s => s.RequestId).Order());
        Assert.All(states, s => Assert.Equal(node.CommitIndex, s.Index));
    }
}
