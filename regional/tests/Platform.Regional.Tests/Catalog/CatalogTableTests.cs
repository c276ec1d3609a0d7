using Platform.Consensus.Log;
using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Tests.Catalog;

/// <summary>
/// The catalog's rules as the replicated state machine applies them: changes are compare-and-swap
/// on an entry's version, a name created again starts a later epoch, and a create can never change
/// a namespace's mode or home.
/// </summary>
public sealed class CatalogTableTests
{
    private static readonly NamespaceSettings HomedInEu = new(NamespaceMode.LocalCommit, "eu-west", TimeSpan.FromSeconds(5), RpoPolicy.Alert, false);
    private static readonly NamespaceSettings Strong = new(NamespaceMode.StrongGlobal, null, TimeSpan.FromSeconds(5), RpoPolicy.Alert, false);

    private readonly GroupStateMachine machine = new();
    private long index;

    private GroupApplyOutcome Apply(GroupCommand command) => machine.Apply(Entry.Normal(++index, 1, GroupCommandCodec.Encode(command)));

    [Fact]
    public void A_create_starts_epoch_zero_and_a_second_create_of_the_name_loses_the_compare_and_swap()
    {
        Assert.Null(Apply(new PutCatalogEntryCommand("payments", HomedInEu, 2, 0)).Problem);
        var entry = machine.Catalog.Find("payments")!;
        Assert.Equal((0L, 2UL, index, "eu-west"), (entry.Epoch, entry.Group, entry.Version, entry.HomeRegion));
        Assert.Equal([new EpochRecord(0, "eu-west")], entry.Epochs);

        var racing = Apply(new PutCatalogEntryCommand("payments", Strong, 1UL << 32, 0));
        Assert.StartsWith(CatalogTable.Conflict, racing.Problem);
        Assert.Equal(NamespaceMode.LocalCommit, machine.Catalog.Find("payments")!.Mode);
    }

    [Fact]
    public void Settings_change_under_the_current_version_but_mode_and_home_do_not()
    {
        Apply(new PutCatalogEntryCommand("payments", HomedInEu, 2, 0));
        var version = machine.Catalog.Find("payments")!.Version;

        Assert.Null(Apply(new PutCatalogEntryCommand("payments", HomedInEu with { Rpo = TimeSpan.FromSeconds(1), RpoPolicy = RpoPolicy.Reject }, 2, version)).Problem);
        var changed = machine.Catalog.Find("payments")!;
        Assert.Equal((TimeSpan.FromSeconds(1), RpoPolicy.Reject, index), (changed.Settings.Rpo, changed.Settings.RpoPolicy, changed.Version));

        Assert.StartsWith(CatalogTable.Conflict, Apply(new PutCatalogEntryCommand("payments", HomedInEu, 2, version)).Problem);
        Assert.NotNull(Apply(new PutCatalogEntryCommand("payments", HomedInEu with { HomeRegion = "us-east" }, 2, changed.Version)).Problem);
        Assert.Equal("eu-west", machine.Catalog.Find("payments")!.HomeRegion);
    }

    [Fact]
    public void A_name_deleted_and_created_again_starts_a_later_epoch_and_its_stale_data_is_replaced()
    {
        Apply(new PutCatalogEntryCommand("payments", HomedInEu, 0, 0));
        Apply(new CreateNamespaceCommand("payments", HomedInEu, 0));
        var old = Apply(new NamespaceCommand("payments", new PutCommand("a", "old"u8.ToArray(), "t"))).Write!.Revision;

        // The catalog entry goes; this group never hears of the delete of the data.
        Assert.StartsWith(CatalogTable.Conflict, Apply(new DeleteCatalogEntryCommand("payments", 999)).Problem);
        Assert.Null(Apply(new DeleteCatalogEntryCommand("payments", machine.Catalog.Find("payments")!.Version)).Problem);
        Assert.Null(machine.Catalog.Find("payments"));

        Apply(new PutCatalogEntryCommand("payments", HomedInEu, 0, 0));
        var again = machine.Catalog.Find("payments")!;
        Assert.Equal(1, again.Epoch);

        Apply(new CreateNamespaceCommand("payments", HomedInEu, again.Epoch));
        Assert.Equal(0, machine.State("payments")!.Store.LiveKeys);
        var fresh = Apply(new NamespaceCommand("payments", new PutCommand("a", "new"u8.ToArray(), "t"))).Write!.Revision;
        Assert.Equal(Revisions.Compose(1, 1), fresh);
        Assert.True(fresh > old);
    }

    [Fact]
    public void A_late_delete_of_an_earlier_incarnation_leaves_the_name_created_again_alone()
    {
        Apply(new CreateNamespaceCommand("payments", HomedInEu, 0));
        Apply(new CreateNamespaceCommand("payments", HomedInEu, 1));
        var kept = Apply(new NamespaceCommand("payments", new PutCommand("a", "kept"u8.ToArray(), "t"))).Write!.Revision;

        // The delete of epoch 0 arrives after the name was created again in epoch 1.
        Assert.NotNull(Apply(new DeleteNamespaceCommand("payments", 0)).Problem);
        Assert.Equal(kept, machine.State("payments")!.Store.Revision);

        Assert.Null(Apply(new DeleteNamespaceCommand("payments", 1)).Problem);
        Assert.Null(machine.State("payments"));
    }

    [Fact]
    public void The_catalog_survives_a_snapshot()
    {
        Apply(new PutCatalogEntryCommand("payments", HomedInEu, 2, 0));
        Apply(new PutCatalogEntryCommand("flags", Strong, 1UL << 32, 0));
        Apply(new DeleteCatalogEntryCommand("flags", machine.Catalog.Find("flags")!.Version));

        var copy = GroupStateMachine.FromSnapshot(machine.ToSnapshot());

        Assert.Equal(machine.Catalog.Find("payments"), copy.Catalog.Find("payments"), CatalogEntryComparer.Instance);
        Assert.Null(copy.Catalog.Find("flags"));
        copy.Apply(Entry.Normal(index + 1, 1, GroupCommandCodec.Encode(new PutCatalogEntryCommand("flags", Strong, 1UL << 32, 0))));
        Assert.Equal(1, copy.Catalog.Find("flags")!.Epoch);
    }

    [Fact]
    public void A_promotion_record_keeps_its_kind_through_the_codec_and_a_snapshot()
    {
        Apply(new PutCatalogEntryCommand("payments", HomedInEu, 2, 0));
        Apply(new PutCatalogEntryCommand("orders", HomedInEu, 2, 0));
        Assert.Null(Apply(new BeginMoveCommand("payments", "us-east", machine.Catalog.Find("payments")!.Version, MoveKind.Promotion)).Problem);
        Assert.Null(Apply(new BeginMoveCommand("orders", "us-east", machine.Catalog.Find("orders")!.Version)).Problem);

        var copy = GroupStateMachine.FromSnapshot(machine.ToSnapshot());

        Assert.Equal(MoveKind.Promotion, copy.Catalog.Find("payments")!.MovingBy);
        Assert.Equal(MoveKind.Planned, copy.Catalog.Find("orders")!.MovingBy);
        Assert.Equal(machine.Catalog.Find("payments"), copy.Catalog.Find("payments"), CatalogEntryComparer.Instance);
    }

    /// <summary>Entries hold a list of epochs, which records compare by reference.</summary>
    private sealed class CatalogEntryComparer : IEqualityComparer<CatalogEntry?>
    {
        public static readonly CatalogEntryComparer Instance = new();

        public bool Equals(CatalogEntry? x, CatalogEntry? y) =>
            x is not null && y is not null && x with { Epochs = Array.Empty<EpochRecord>() } == y with { Epochs = Array.Empty<EpochRecord>() } && x.Epochs.SequenceEqual(y.Epochs);

        public int GetHashCode(CatalogEntry? obj) => obj?.Name.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
