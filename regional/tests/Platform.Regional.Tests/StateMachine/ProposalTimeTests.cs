using Platform.Consensus.Log;
using Platform.Regional.Replicas;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Tests.StateMachine;

/// <summary>
/// The leader stamps every proposal with its wall clock (the commit time) and with the group's
/// ageing clock as it reads it (which ages idempotency keys). Neither comes from the node that took
/// the HTTP request, and no wall clock, however far ahead, ages a key out.
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

    [Fact]
    public void A_leader_whose_wall_clock_runs_a_day_ahead_expires_no_key()
    {
        var leaderNow = 1_700_000_000_000L;
        var fastLeader = leaderNow + (long)TimeSpan.FromHours(25).TotalMilliseconds + 60_000;
        machine.Apply(Entry.Normal(++index, 1, GroupCommandCodec.Encode(new CreateNamespaceCommand("payments"))));
        var first = ApplyStamped(new NamespaceCommand("payments", new PutCommand("counter", "1"u8.ToArray(), "t"), "retry-1"), leaderNow);

        // One leader with a clock 25 h fast commits a write a minute later; the next leader's clock is right.
        ApplyStamped(new NamespaceCommand("payments", new PutCommand("other", "x"u8.ToArray(), "t"), "other-key"), fastLeader);
        var retry = ApplyStamped(new NamespaceCommand("payments", new PutCommand("counter", "1"u8.ToArray(), "t"), "retry-1"), leaderNow + 120_000);

        Assert.True(retry.Write!.Replayed, $"a retry two minutes after the first write was applied again (revision {retry.Write.Revision} after {first.Write!.Revision}): the fast leader's clock expired its key");
        Assert.Equal(first.Write.Revision, retry.Write.Revision);
    }

    /// <summary>One leader of the group: its wall clock (for commit times), its boot clock and how it reads the ageing clock.</summary>
    private sealed class Leader(long wallOffsetMs)
    {
        public AgeingStamps Stamps { get; } = new();

        public TimeSpan Boot { get; set; } = TimeSpan.FromMinutes(1);

        public long WallMs(long realMs) => realMs + wallOffsetMs;
    }

    private long realMs = 1_700_000_000_000;

    /// <summary>The leader's term begins: its no-op applies, then it proposes and each entry applies.</summary>
    private void Elect(Leader leader, long term)
    {
        machine.Apply(Entry.Normal(++index, term, ReadOnlyMemory<byte>.Empty));
        leader.Stamps.Applied(term, leading: true, term, machine.AgeingClockMs, leader.Boot);
    }

    private GroupApplyOutcome Propose(Leader leader, long term, GroupCommand command)
    {
        var bytes = GroupCommandCodec.StampProposalTime(GroupCommandCodec.Encode(command), leader.WallMs(realMs));
        bytes = GroupCommandCodec.StampAgeingTime(bytes, leader.Stamps.Stamp(term, leader.Boot)!.Value);
        return machine.Apply(Entry.Normal(++index, term, bytes));
    }

    private void Wait(TimeSpan elapsed, params Leader[] leaders)
    {
        realMs += (long)elapsed.TotalMilliseconds;
        foreach (var leader in leaders)
        {
            leader.Boot += elapsed;
        }
    }

    [Fact]
    public void Keys_age_by_the_leaders_boot_clocks_so_a_fast_wall_clock_expires_nothing_and_ageing_still_happens()
    {
        var right = new Leader(0);
        var fast = new Leader((long)TimeSpan.FromHours(25).TotalMilliseconds);
        machine.Apply(Entry.Normal(++index, 1, GroupCommandCodec.Encode(new CreateNamespaceCommand("payments"))));
        Elect(right, 1);
        var first = Propose(right, 1, new NamespaceCommand("payments", new PutCommand("counter", "1"u8.ToArray(), "t"), "retry-1"));

        Wait(TimeSpan.FromMinutes(1), right, fast);
        Elect(fast, 2);
        Propose(fast, 2, new NamespaceCommand("payments", new PutCommand("other", "x"u8.ToArray(), "t"), "other-key"));
        Assert.Equal(realMs + (long)TimeSpan.FromHours(25).TotalMilliseconds, machine.Namespace("payments")!.CommittedAt(2));

        Wait(TimeSpan.FromMinutes(1), right, fast);
        Elect(right, 3);
        var retry = Propose(right, 3, new NamespaceCommand("payments", new PutCommand("counter", "1"u8.ToArray(), "t"), "retry-1"));
        Assert.True(retry.Write!.Replayed, $"a retry two minutes after the first write was applied again at {retry.Write.Revision}");

        // Past the retention on the leaders' own clocks, the key is forgotten all the same (each
        // change of leader lost the minutes between its term's start and the entry before it).
        Wait(IdempotencyTable.Retention + TimeSpan.FromMinutes(5), right, fast);
        Propose(right, 3, new NamespaceCommand("payments", new PutCommand("another", "x"u8.ToArray(), "t"), "another-key"));
        var late = Propose(right, 3, new NamespaceCommand("payments", new PutCommand("counter", "1"u8.ToArray(), "t"), "retry-1"));
        Assert.False(late.Write!.Replayed);
        Assert.NotEqual(first.Write!.Revision, late.Write.Revision);
    }

    [Fact]
    public void The_ageing_stamp_survives_the_codec_and_older_formats_age_by_their_proposal_time()
    {
        var encoded = GroupCommandCodec.Encode(new NamespaceCommand("payments", new PutCommand("k", "v"u8.ToArray(), "t"), "key", 42, Epoch: 3));
        GroupCommandCodec.StampAgeingTime(GroupCommandCodec.StampProposalTime(encoded, 1_700_000_000_000), 9_000);

        var decoded = (NamespaceCommand)GroupCommandCodec.Decode(encoded);
        Assert.Equal((1_700_000_000_000L, 9_000L, 3L), (decoded.ProposedAtMs, decoded.AgeingStampMs!.Value, decoded.Epoch!.Value));

        // Format 2 had no ageing stamp: the proposal time aged keys then, and still does for those entries.
        var version2 = encoded[..^sizeof(long)];
        version2[0] = 2;
        var old = (NamespaceCommand)GroupCommandCodec.Decode(version2);
        Assert.Equal((1_700_000_000_000L, 1_700_000_000_000L, "key"), (old.ProposedAtMs, old.AgeingStampMs!.Value, old.IdempotencyKey!));
        Assert.Equal(version2, GroupCommandCodec.StampAgeingTime(version2.ToArray(), 1));

        // Without a stamp (no leader stamped it) the group's clock stays where it was.
        Assert.Null(((NamespaceCommand)GroupCommandCodec.Decode(GroupCommandCodec.Encode(new NamespaceCommand("payments", new CompactCommand(1))))).AgeingStampMs);
    }
}
