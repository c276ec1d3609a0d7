using System.Text;
using Platform.Storage.Mvcc;

namespace Platform.Storage.Tests.Mvcc;

/// <summary>A copy fed from the home's change feed ends in the home's state, refuses gaps and drops a suffix past a fork.</summary>
public sealed class NamespaceStoreReplicationTests
{
    private readonly NamespaceStore home = new("payments");
    private readonly NamespaceStore copy = new("payments");
    private long homeIndex;
    private long copyIndex;

    private void Home(MvccCommand command, long atMs = 1_000) => home.Apply(++homeIndex, command, atMs + homeIndex);

    private static string Describe(KeyValue? value) => value is null ? "<absent>"
        : $"{value.Key}={Encoding.UTF8.GetString(value.Value.Span)} ({value.ContentType}) c{value.CreateRevision} m{value.ModRevision} v{value.Version}";

    private static PutCommand Put(string key, string value) => new(key, Encoding.UTF8.GetBytes(value), "text/plain");

    /// <summary>The home's changes after <paramref name="after"/>, grouped by revision as the feed ships them.</summary>
    private ReplicateCommand Feed(long after, int limit = int.MaxValue)
    {
        var revisions = home.ChangesAfter(after).GroupBy(c => c.Revision)
            .Select(g => new ReplicatedRevision(g.Key, home.CommittedAt(g.Key), [.. g])).Take(limit).ToList();
        return new ReplicateCommand(after, revisions);
    }

    private ApplyResult Ship(MvccCommand command) => copy.Apply(++copyIndex, command);

    private void MakeHistory()
    {
        Home(Put("a", "1"));
        Home(Put("b", "1"));
        Home(new TxnCommand([], [new TxnOperation("a", false, Encoding.UTF8.GetBytes("2")), new TxnOperation("c", false, Encoding.UTF8.GetBytes("1"))], []));
        Home(new DeleteCommand("b"));
        Home(Put("b", "again"));
    }

    [Fact]
    public void A_copy_fed_in_batches_holds_the_homes_state_revisions_and_commit_times()
    {
        MakeHistory();

        Assert.True(Ship(Feed(0, limit: 2)).Succeeded);
        Assert.True(Ship(Feed(copy.Revision)).Succeeded);

        Assert.Equal(home.Revision, copy.Revision);
        Assert.Equal(home.DigestAt(), copy.DigestAt());
        Assert.Equal(home.LiveKeys, copy.LiveKeys);
        Assert.Equal(Describe(home.Get("b")), Describe(copy.Get("b")));
        Assert.Equal(Describe(home.Get("a", 2)), Describe(copy.Get("a", 2)));
        Assert.Equal(home.CommittedAt(3), copy.CommittedAt(3));
        Assert.Equal(home.ChangesAfter(0).Count, copy.ChangesAfter(0).Count);
    }

    [Fact]
    public void Changes_at_or_below_the_watermark_are_a_no_op()
    {
        MakeHistory();
        Ship(Feed(0));
        var digest = copy.DigestAt();

        var again = Ship(Feed(0));

        Assert.True(again.Succeeded);
        Assert.Empty(again.Events);
        Assert.Equal(digest, copy.DigestAt());
    }

    [Fact]
    public void A_gap_is_refused_and_changes_nothing()
    {
        MakeHistory();
        Ship(Feed(0, limit: 1));

        var gap = Ship(Feed(2));

        Assert.Equal(MvccErrorCode.ReplicationGap, gap.Error);
        Assert.Equal(1, copy.Revision);
        Assert.Null(copy.Get("b"));
    }

    [Fact]
    public void A_copy_past_a_fork_drops_the_suffix_then_takes_the_new_epoch()
    {
        MakeHistory();
        Ship(Feed(0));
        var atFork = copy.DigestAt(3);

        // The new home only had revisions up to 3 and started epoch 1 there.
        var refused = Ship(new ReplicateCommand(3, [new ReplicatedRevision(Revisions.Compose(1, 1), 9_000, [new ChangeEvent(Revisions.Compose(1, 1), ChangeKind.Put, new KeyValue("d", new byte[] { 1 }, "x", Revisions.Compose(1, 1), Revisions.Compose(1, 1), 1))])]));
        Assert.Equal(MvccErrorCode.ReplicationGap, refused.Error);

        var dropped = Ship(new TruncateCommand(3));
        Assert.Equal(new long[] { 4, 5 }, dropped.Events.Select(e => e.Revision));
        Assert.Equal(atFork, copy.DigestAt());
        Assert.Equal("1", Encoding.UTF8.GetString(copy.Get("b")!.Value.Span));

        var taken = Ship(new ReplicateCommand(3, [new ReplicatedRevision(Revisions.Compose(1, 1), 9_000, [new ChangeEvent(Revisions.Compose(1, 1), ChangeKind.Put, new KeyValue("d", new byte[] { 1 }, "x", Revisions.Compose(1, 1), Revisions.Compose(1, 1), 1))])]));
        Assert.True(taken.Succeeded);
        Assert.Equal(1, copy.Epoch);
        Assert.Equal(Revisions.Compose(1, 1), copy.Get("d")!.ModRevision);
    }

    [Fact]
    public void A_revision_in_a_dropped_suffix_stays_known_as_diverged_after_the_new_epoch_and_a_snapshot()
    {
        MakeHistory();
        Ship(Feed(0));
        Assert.Null(copy.DivergedBelow(5));

        Ship(new TruncateCommand(3));
        var newEpoch = Revisions.Compose(1, 1);
        Assert.True(Ship(new ReplicateCommand(3, [new ReplicatedRevision(newEpoch, 9_000, [new ChangeEvent(newEpoch, ChangeKind.Put, new KeyValue("d", new byte[] { 1 }, "x", newEpoch, newEpoch, 1))])])).Succeeded);

        // A watcher that saw revision 4 or 5 must learn that they are gone, although every revision
        // the copy holds now is either at most 3 or of epoch 1, past anything it saw.
        foreach (var store in new[] { copy, NamespaceStore.FromSnapshot(copy.ToSnapshot()) })
        {
            Assert.Equal(3, store.DivergedBelow(4));
            Assert.Equal(3, store.DivergedBelow(5));
            Assert.Equal(3, store.DivergedBelow(9));
            Assert.Null(store.DivergedBelow(3));
            Assert.Null(store.DivergedBelow(newEpoch));
            Assert.Equal([new Truncation(3, 5)], store.Truncations);
        }
    }

    [Fact]
    public void A_revision_of_the_former_home_this_store_never_held_is_diverged_once_the_store_is_past_its_epoch()
    {
        // The copy had revisions up to 3 when the home was lost; the new home forked at 3 and went
        // on in epoch 1. A watcher that saw revision 5 at the former home polls a node of this
        // region whose catalog replica has not heard of the fork: nothing was truncated here.
        MakeHistory();
        Ship(Feed(0, limit: 3));
        Assert.Null(copy.DivergedBelow(5));

        var newEpoch = Revisions.Compose(1, 1);
        Assert.True(Ship(new ReplicateCommand(3, [new ReplicatedRevision(newEpoch, 9_000, [new ChangeEvent(newEpoch, ChangeKind.Put, new KeyValue("d", new byte[] { 1 }, "x", newEpoch, newEpoch, 1))])])).Succeeded);

        foreach (var store in new[] { copy, NamespaceStore.FromSnapshot(copy.ToSnapshot()) })
        {
            Assert.Empty(store.Truncations);
            Assert.Equal(3, store.DivergedBelow(4));
            Assert.Equal(3, store.DivergedBelow(5));
            Assert.Null(store.DivergedBelow(3));
            Assert.Null(store.DivergedBelow(2));
            Assert.Null(store.DivergedBelow(0));
            Assert.Null(store.DivergedBelow(newEpoch));
            Assert.Null(store.DivergedBelow(Revisions.Compose(1, 7)));
        }
    }

    [Fact]
    public void Commit_times_survive_a_snapshot_and_tell_how_long_a_copy_lags()
    {
        MakeHistory();

        var restored = NamespaceStore.FromSnapshot(home.ToSnapshot(), appliedIndex: 77);

        Assert.Equal(77, restored.AppliedIndex);
        Assert.Equal(home.CommittedAt(4), restored.CommittedAt(4));
        Assert.Equal(home.CommittedAt(3), restored.CommittedAtAfter(2));
        Assert.Null(restored.CommittedAtAfter(5));
        Assert.Equal(2, restored.RevisionsAfter(3));
    }
}
