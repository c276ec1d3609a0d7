using System.Text;
using Platform.Consensus.Log;
using Platform.Regional.Namespaces;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Tests.StateMachine;

/// <summary>
/// Each group ages idempotency outcomes on its own ageing clock: the clock survives snapshots
/// (older snapshots go on from their newest outcome), and outcomes that come from another group's
/// clock (shipped with the feed, or in a snapshot) keep their ages on this one.
/// </summary>
public sealed class AgeingClockTests
{
    private static readonly NamespaceSettings Homed = new(NamespaceMode.LocalCommit, "eu-west", TimeSpan.FromSeconds(5), RpoPolicy.Alert, false);
    private static readonly long HourMs = (long)TimeSpan.FromHours(1).TotalMilliseconds;

    /// <summary>The home's clock runs on its wall-clock past (an upgraded group); the copy's group is new.</summary>
    private const long HomeClockMs = 1_700_000_000_000;

    private readonly GroupStateMachine home = new();
    private readonly GroupStateMachine copy = new();
    private long homeIndex;
    private long copyIndex;

    private GroupApplyOutcome AtHome(GroupCommand command) => home.Apply(Entry.Normal(++homeIndex, 1, GroupCommandCodec.Encode(command)));

    private GroupApplyOutcome AtCopy(GroupCommand command) => copy.Apply(Entry.Normal(++copyIndex, 1, GroupCommandCodec.Encode(command)));

    private static NamespaceCommand Put(string key, string idempotencyKey, long ageingMs, long? epoch = null) =>
        new("orders", new PutCommand(key, Encoding.UTF8.GetBytes("v"), "text/plain"), idempotencyKey, Epoch: epoch, AgeingStampMs: ageingMs);

    private NamespaceCommand Feed(long after, long ageingMs)
    {
        var store = home.Namespace("orders")!;
        var revisions = store.ChangesAfter(after).GroupBy(c => c.Revision).Select(g => new ReplicatedRevision(g.Key, store.CommittedAt(g.Key), [.. g])).ToList();
        return new NamespaceCommand("orders", new ReplicateCommand(after, revisions), Outcomes: home.State("orders")!.Idempotency.Between(after, store.Revision), AgeingStampMs: ageingMs);
    }

    [Fact]
    public void Shipped_outcomes_keep_their_ages_on_the_copys_clock()
    {
        AtHome(new CreateNamespaceCommand("orders", Homed));
        AtCopy(new CreateNamespaceCommand("orders", Homed, Copy: true));
        AtHome(Put("old", "old-key", HomeClockMs));
        AtHome(Put("young", "young-key", HomeClockMs + (20 * HourMs)));
        AtCopy(Feed(0, ageingMs: 1_000));

        // Promoted, the copy's own outcomes do not expire at once against the home's far-off clock...
        AtCopy(new PromoteCopyCommand("orders", Homed, 1));
        AtCopy(Put("mine", "mine-key", 2_000, epoch: 1));
        Assert.True(AtCopy(Put("mine", "mine-key", 3_000, epoch: 1)).Write!.Replayed);
        Assert.True(AtCopy(Put("young", "young-key", 3_000, epoch: 1)).Write!.Replayed);

        // ...and the shipped ones expire when their age, counted from the home, passes the retention.
        AtCopy(Put("tick", "tick-key", 1_000 + (6 * HourMs), epoch: 1));
        Assert.Null(copy.State("orders")!.Idempotency.Find("old-key"));
        Assert.NotNull(copy.State("orders")!.Idempotency.Find("young-key"));
        Assert.NotNull(copy.State("orders")!.Idempotency.Find("mine-key"));
    }

    [Fact]
    public void A_snapshot_from_another_group_ages_on_the_installing_groups_clock()
    {
        AtHome(new CreateNamespaceCommand("orders", Homed));
        AtHome(Put("old", "old-key", HomeClockMs));
        AtHome(Put("young", "young-key", HomeClockMs + (20 * HourMs)));
        AtCopy(new CreateNamespaceCommand("other", Homed));
        AtCopy(new NamespaceCommand("other", new PutCommand("k", "v"u8.ToArray(), "t"), AgeingStampMs: 1_000));

        Assert.Null(AtCopy(new InstallNamespaceSnapshotCommand("orders", Homed, home.NamespaceSnapshot("orders")!)).Problem);
        var outcomes = copy.State("orders")!.Idempotency;

        Assert.Equal(1_000, outcomes.NewestMs);
        Assert.Equal(1_000 - (20 * HourMs), outcomes.Between(0, long.MaxValue).Single(o => o.Key == "old-key").AtMs);
    }

    [Fact]
    public void The_clock_survives_a_snapshot_and_an_older_snapshot_goes_on_from_its_newest_outcome()
    {
        AtHome(new CreateNamespaceCommand("orders", Homed));
        AtHome(Put("a", "a-key", HomeClockMs));
        AtHome(new NamespaceCommand("orders", new CompactCommand(0), AgeingStampMs: HomeClockMs + HourMs));

        Assert.Equal(HomeClockMs + HourMs, GroupStateMachine.FromSnapshot(home.ToSnapshot()).AgeingClockMs);

        // The format before the clock ("PGS9") had the same layout without it, after the applied index.
        var current = home.ToSnapshot();
        var older = new byte[current.Length - sizeof(long)];
        BitConverter.GetBytes(0x39534750u).CopyTo(older, 0);
        current.AsSpan(4, sizeof(long)).CopyTo(older.AsSpan(4));
        current.AsSpan(4 + (2 * sizeof(long))).CopyTo(older.AsSpan(4 + sizeof(long)));
        var restored = GroupStateMachine.FromSnapshot(older);

        Assert.Equal(HomeClockMs, restored.AgeingClockMs);
        Assert.NotNull(restored.State("orders")!.Idempotency.Find("a-key"));
        Assert.Equal(home.Namespace("orders")!.DigestAt(), restored.Namespace("orders")!.DigestAt());
    }
}
