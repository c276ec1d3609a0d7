using Platform.Consensus.Log;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Tests.StateMachine;

/// <summary>
/// Idempotency keys age by the proposal time in the log. The leader stamps that time with its own
/// clock, so a node with a skewed clock that merely took the HTTP request cannot age keys out.
/// </summary>
public sealed class ProposalTimeTests
{
    private readonly GroupStateMachine machine = new();
    private long index;

    /// <summary>What the leader does to every proposal before it enters the log.</summary>
    private GroupApplyOutcome ApplyStamped(GroupCommand command, long leaderClockMs) =>
        machine.Apply(Entry.Normal(++index, 1, GroupCommandCodec.StampProposalTime(GroupCommandCodec.Encode(command), leaderClockMs)));

    [Fact]
    public void The_leader_stamp_replaces_whatever_time_the_receiving_node_wrote()
    {
        var encoded = GroupCommandCodec.Encode(new NamespaceCommand("payments", new PutCommand("k", "v"u8.ToArray(), "t"), "key", 99_999_999_999_999));

        var decoded = (NamespaceCommand)GroupCommandCodec.Decode(GroupCommandCodec.StampProposalTime(encoded, 1_700_000_000_000));

        Assert.Equal(1_700_000_000_000, decoded.ProposedAtMs);
        Assert.Equal("key", decoded.IdempotencyKey);
        Assert.Equal("k", ((PutCommand)decoded.Command).Key);
    }

    [Fact]
    public void Commands_that_are_not_namespace_writes_are_left_alone()
    {
        var create = GroupCommandCodec.Encode(new CreateNamespaceCommand("payments"));
        var copy = create.ToArray();

        Assert.Equal(copy, GroupCommandCodec.StampProposalTime(create, 123));
    }

    [Fact]
    public void A_retry_minutes_later_is_replayed_whatever_clock_the_receiving_nodes_had()
    {
        var leaderNow = 1_700_000_000_000L;
        var fastNode = leaderNow + (long)TimeSpan.FromHours(26).TotalMilliseconds;
        machine.Apply(Entry.Normal(++index, 1, GroupCommandCodec.Encode(new CreateNamespaceCommand("payments"))));
        var first = ApplyStamped(new NamespaceCommand("payments", new PutCommand("counter", "1"u8.ToArray(), "t"), "retry-1", fastNode), leaderNow);
        ApplyStamped(new NamespaceCommand("payments", new PutCommand("other", "x"u8.ToArray(), "t"), "other-key", fastNode), leaderNow + 60_000);

        var retry = ApplyStamped(new NamespaceCommand("payments", new PutCommand("counter", "1"u8.ToArray(), "t"), "retry-1", fastNode), leaderNow + 120_000);

        Assert.True(retry.Write!.Replayed, $"the retry was applied again: revision {retry.Write.Revision} after the first at {first.Write!.Revision}");
    }
}
