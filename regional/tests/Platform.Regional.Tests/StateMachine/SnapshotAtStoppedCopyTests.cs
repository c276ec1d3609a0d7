using System.Text;
using Platform.Consensus.Log;
using Platform.Regional.Namespaces;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Tests.StateMachine;

/// <summary>
/// A copy that committed <c>stop(X, e)</c> during an unplanned failover keeps refusing changes of
/// epoch e or earlier when a snapshot replaces its store, and takes no snapshot that would move it
/// within a stopped epoch: its revision stays the one it answered while the most advanced region
/// is chosen.
/// </summary>
public sealed class SnapshotAtStoppedCopyTests
{
    private static readonly NamespaceSettings Homed = new(NamespaceMode.LocalCommit, "eu-west", TimeSpan.FromSeconds(5), RpoPolicy.Alert, false);
    private const long MoveVersion = 7;

    private readonly GroupStateMachine home = new();
    private readonly GroupStateMachine copy = new();
    private long homeIndex;
    private long copyIndex;

    private GroupApplyOutcome AtHome(GroupCommand command) => home.Apply(Entry.Normal(++homeIndex, 1, GroupCommandCodec.Encode(command)));

    private GroupApplyOutcome AtCopy(GroupCommand command) => copy.Apply(Entry.Normal(++copyIndex, 1, GroupCommandCodec.Encode(command)));

    private static NamespaceCommand Put(string key, string value) =>
        new("orders", new PutCommand(key, Encoding.UTF8.GetBytes(value), "text/plain"));

    /// <summary>What the home's change feed ships after <paramref name="after"/>.</summary>
    private NamespaceCommand Feed(long after)
    {
        var store = home.Namespace("orders")!;
        var revisions = store.ChangesAfter(after).GroupBy(c => c.Revision).Select(g => new ReplicatedRevision(g.Key, store.CommittedAt(g.Key), [.. g])).ToList();
        return new NamespaceCommand("orders", new ReplicateCommand(after, revisions), Outcomes: home.State("orders")!.Idempotency.Between(after, store.Revision));
    }

    /// <summary>A home at revision 2 and its copy caught up, then stopped through epoch 0 by an unplanned failover.</summary>
    private long StoppedCopy()
    {
        AtHome(new CreateNamespaceCommand("orders", Homed));
        AtCopy(new CreateNamespaceCommand("orders", Homed, Copy: true));
        AtHome(Put("a", "1"));
        AtHome(Put("b", "1"));
        AtCopy(Feed(0));
        var stopped = AtCopy(new FenceNamespaceCommand("orders", 0, MoveVersion)).Write!.Revision;
        Assert.Equal(2, stopped);
        return stopped;
    }

    [Fact]
    public void A_snapshot_replacing_a_stopped_copy_keeps_the_stop()
    {
        var stopped = StoppedCopy();

        // Anti-entropy replaces the stopped copy with the lost home's snapshot at the same revision.
        Assert.Null(AtCopy(new InstallNamespaceSnapshotCommand("orders", Homed, home.NamespaceSnapshot("orders")!, Replace: true)).Problem);

        var state = copy.State("orders")!;
        Assert.True(state.FencedThrough == 0, $"the snapshot dropped the stop: fenced through {state.FencedThrough}, move version {state.FencedAtVersion}");
        Assert.Equal(MoveVersion, state.FencedAtVersion);

        // A change the lost home committed before its lease ran out must not move the copy past its stop.
        AtHome(Put("c", "1"));
        var shipped = AtCopy(Feed(stopped)).Write!;
        Assert.Equal(MvccErrorCode.FencedEpoch, shipped.Error);
        Assert.Equal(stopped, copy.Namespace("orders")!.Revision);
    }

    [Fact]
    public void A_snapshot_that_would_move_a_stopped_copy_within_the_stopped_epoch_is_refused()
    {
        var stopped = StoppedCopy();
        AtHome(Put("c", "1"));
        AtHome(Put("d", "1"));
        AtHome(new NamespaceCommand("orders", new CompactCommand(4)));

        var install = AtCopy(new InstallNamespaceSnapshotCommand("orders", Homed, home.NamespaceSnapshot("orders")!));

        Assert.True(copy.Namespace("orders")!.Revision == stopped, $"the stopped copy moved from {stopped} to {copy.Namespace("orders")!.Revision} (install problem: {install.Problem ?? "none"})");
        Assert.Contains("fenced", install.Problem, StringComparison.Ordinal);
        Assert.Equal(0, copy.State("orders")!.FencedThrough);
    }

    [Fact]
    public void A_snapshot_of_a_later_epoch_replaces_a_stopped_copy_and_the_stop_stays_until_the_rules_lift_it()
    {
        StoppedCopy();

        // The new home (promoted at the fork, revision 2) wrote on in epoch 1 and compacted.
        AtHome(new NamespaceCommand("orders", new BeginEpochCommand(1)));
        AtHome(Put("e", "1"));
        AtHome(new NamespaceCommand("orders", new CompactCommand(Revisions.Compose(1, 1))));

        Assert.Null(AtCopy(new InstallNamespaceSnapshotCommand("orders", Homed, home.NamespaceSnapshot("orders")!)).Problem);

        var state = copy.State("orders")!;
        Assert.Equal(Revisions.Compose(1, 1), state.Store.Revision);
        Assert.Equal((0L, MoveVersion), (state.FencedThrough, state.FencedAtVersion));
        AtCopy(new UnfenceNamespaceCommand("orders", 0));
        Assert.Equal(-1, copy.State("orders")!.FencedThrough);
    }
}
