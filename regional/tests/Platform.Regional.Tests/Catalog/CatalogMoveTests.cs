using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Tests.Catalog;

/// <summary>Moves recorded in the catalog (compare-and-swap), and which revisions lie past a fork point.</summary>
public sealed class CatalogMoveTests
{
    private static readonly NamespaceSettings Homed = new(NamespaceMode.LocalCommit, "eu-west", TimeSpan.FromSeconds(5), RpoPolicy.Alert, false);

    [Fact]
    public void A_move_revokes_then_homes_the_namespace_in_the_next_epoch_with_the_fork_point()
    {
        var table = new CatalogTable();
        Assert.Null(table.Put(1, "orders", Homed, 2, 0));
        Assert.Contains(CatalogTable.Conflict, table.BeginMove(2, "orders", "us-east", expectedVersion: 7, MoveKind.Promotion), StringComparison.Ordinal);
        Assert.Null(table.BeginMove(2, "orders", "us-east", expectedVersion: 1, MoveKind.Promotion));
        Assert.Equal("us-east", table.Find("orders")!.MovingTo);
        Assert.NotNull(table.BeginMove(3, "orders", "ap-south", expectedVersion: 2));

        Assert.Null(table.EndMove(3, "orders", "us-east", fork: 12, expectedVersion: 2));

        var moved = table.Find("orders")!;
        Assert.Equal(("us-east", 1L, (string?)null), (moved.HomeRegion, moved.Epoch, moved.MovingTo));
        Assert.Equal([new EpochRecord(0, "eu-west", 12), new EpochRecord(1, "us-east")], moved.Epochs);
    }

    [Fact]
    public void A_promotion_cannot_end_a_switchover_record_nor_a_switchover_a_promotion_record()
    {
        // A switchover to us-east is under way (its old home alive and still acknowledging writes
        // until its freeze); a promotion run from us-east must not take the record over and cut the
        // old home's writes past us-east's copy into the archive.
        var table = new CatalogTable();
        table.Put(1, "orders", Homed, 2, 0);
        Assert.Null(table.BeginMove(2, "orders", "us-east", 1, MoveKind.Planned));
        Assert.Equal(MoveKind.Planned, table.Find("orders")!.MovingBy);

        Assert.NotNull(table.EndMove(3, "orders", "us-east", fork: 12, expectedVersion: 2));
        Assert.Equal(("eu-west", 0L, "us-east"), (table.Find("orders")!.HomeRegion, table.Find("orders")!.Epoch, table.Find("orders")!.MovingTo));

        Assert.Null(table.EndMove(3, "orders", "us-east", fork: null, expectedVersion: 2));
        Assert.Equal(("us-east", 1L), (table.Find("orders")!.HomeRegion, table.Find("orders")!.Epoch));

        // And the other way round: a promotion's record ends only with a fork point, never as a switchover or a mode change.
        Assert.Null(table.BeginMove(4, "orders", "ap-south", 3, MoveKind.Promotion));
        Assert.NotNull(table.EndMove(5, "orders", "ap-south", fork: null, expectedVersion: 4));
        Assert.NotNull(table.ChangeMode(5, "orders", Homed with { Mode = NamespaceMode.StrongGlobal, HomeRegion = null }, 99, expectedVersion: 4));
        Assert.Null(table.EndMove(5, "orders", "eu-west", fork: Revisions.Compose(1, 7), expectedVersion: 4));
        Assert.Equal(("eu-west", 2L, MoveKind.Planned), (table.Find("orders")!.HomeRegion, table.Find("orders")!.Epoch, table.Find("orders")!.MovingBy));
    }

    [Fact]
    public void An_aborted_move_leaves_the_home_and_epoch_as_they_were()
    {
        var table = new CatalogTable();
        table.Put(1, "orders", Homed, 2, 0);
        table.BeginMove(2, "orders", "us-east", 1);

        Assert.Null(table.EndMove(3, "orders", null, null, 2));

        var entry = table.Find("orders")!;
        Assert.Equal(("eu-west", 0L, (string?)null), (entry.HomeRegion, entry.Epoch, entry.MovingTo));
    }

    [Fact]
    public void A_mode_change_is_recorded_first_and_swaps_mode_and_group_in_the_next_epoch()
    {
        var table = new CatalogTable();
        table.Put(1, "orders", Homed, 2, 0);
        var strong = Homed with { Mode = NamespaceMode.StrongGlobal, HomeRegion = null };
        Assert.NotNull(table.ChangeMode(2, "orders", strong, 99, expectedVersion: 1));

        Assert.Null(table.BeginMove(2, "orders", CatalogEntry.ToStrongGlobal, 1));
        Assert.NotNull(table.ChangeMode(3, "orders", Homed with { HomeRegion = "us-east" }, 3, expectedVersion: 2));
        Assert.Null(table.ChangeMode(3, "orders", strong, 99, expectedVersion: 2));

        var changed = table.Find("orders")!;
        Assert.Equal((NamespaceMode.StrongGlobal, (string?)null, 99UL, 1L, (string?)null), (changed.Mode, changed.HomeRegion, changed.Group, changed.Epoch, changed.MovingTo));
        Assert.Equal([new EpochRecord(0, "eu-west"), new EpochRecord(1, null)], changed.Epochs);

        // And back, homed in the region the move names; a strong-global namespace has no "to strong-global".
        Assert.NotNull(table.BeginMove(4, "orders", CatalogEntry.ToStrongGlobal, 3));
        Assert.Null(table.BeginMove(4, "orders", "ap-south", 3));
        Assert.NotNull(table.ChangeMode(5, "orders", Homed with { HomeRegion = "us-east" }, 1, expectedVersion: 4));
        Assert.Null(table.ChangeMode(5, "orders", Homed with { HomeRegion = "ap-south" }, 1, expectedVersion: 4));
        var back = table.Find("orders")!;
        Assert.Equal((NamespaceMode.LocalCommit, "ap-south", 1UL, 2L), (back.Mode, back.HomeRegion, back.Group, back.Epoch));
    }

    [Fact]
    public void A_revision_past_the_fork_of_its_epoch_or_of_a_later_one_lies_past_the_history()
    {
        // Epoch 0 ended at (0, 20); epoch 1's failover kept only up to (0, 15): its promoted region had missed the rest.
        var entry = new CatalogEntry("orders", Homed, 2, 2,
            [new EpochRecord(0, "eu-west", Revisions.Compose(0, 20)), new EpochRecord(1, "us-east", Revisions.Compose(0, 15)), new EpochRecord(2, "ap-south")], 9);

        Assert.Null(entry.ForkBelow(Revisions.Compose(0, 15)));
        Assert.Equal(Revisions.Compose(0, 15), entry.ForkBelow(Revisions.Compose(0, 18)));
        Assert.Equal(Revisions.Compose(0, 15), entry.ForkBelow(Revisions.Compose(0, 25)));
        Assert.Equal(Revisions.Compose(0, 15), entry.ForkBelow(Revisions.Compose(1, 3)));
        Assert.Null(entry.ForkBelow(Revisions.Compose(2, 40)));
    }
}
