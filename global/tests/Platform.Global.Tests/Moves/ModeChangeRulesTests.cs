using Platform.Global.Moves;
using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;
using Platform.Regional.StateMachine;

namespace Platform.Global.Tests.Moves;

/// <summary>What the replicator does with what a mode change left behind, decided from the catalog's entry and what a group holds.</summary>
public sealed class ModeChangeRulesTests
{
    private const ulong StrongGroup = 1UL << 62;

    private static readonly NamespaceSettings Local = new(NamespaceMode.LocalCommit, "eu-west", TimeSpan.FromSeconds(5), RpoPolicy.Alert, false);

    private static readonly NamespaceSettings Strong = Local with { Mode = NamespaceMode.StrongGlobal, HomeRegion = null };

    /// <summary>orders: local-commit in eu-west in epoch 0, strong-global from epoch 1.</summary>
    private static CatalogEntry MadeStrong(string? movingTo = null) =>
        new("orders", Strong, StrongGroup, 1, [new EpochRecord(0, "eu-west"), new EpochRecord(1, null)], 10) { MovingTo = movingTo };

    private static HeldNamespace Held(bool copy, long epoch, long fencedThrough = -1) => new(copy, epoch, 0, fencedThrough);

    [Fact]
    public void The_strong_global_group_promotes_the_copy_a_change_to_strong_global_installed()
    {
        Assert.Equal(new PromoteCopyCommand("orders", Strong, 1), ModeChangeRules.InStrongGlobalGroup(MadeStrong(), Held(copy: true, epoch: 0), "orders"));
        Assert.Null(ModeChangeRules.InStrongGlobalGroup(MadeStrong(), Held(copy: false, epoch: 1), "orders"));
    }

    [Fact]
    public void Nothing_is_touched_while_the_catalog_records_a_change_under_way()
    {
        var changing = new CatalogEntry("orders", Local, 3, 0, [new EpochRecord(0, "eu-west")], 10) { MovingTo = CatalogEntry.ToStrongGlobal };
        Assert.Null(ModeChangeRules.InStrongGlobalGroup(changing, Held(copy: true, epoch: 0), "orders"));
        Assert.Null(ModeChangeRules.InStrongGlobalGroup(MadeStrong(movingTo: "ap-south"), Held(copy: false, epoch: 1, fencedThrough: 1), "orders"));
        Assert.Null(ModeChangeRules.InRegionalGroup(changing, Held(copy: false, epoch: 0, fencedThrough: 0), "orders", 3));
    }

    [Fact]
    public void An_aborted_change_leaves_no_copy_and_no_freeze_behind()
    {
        var stayedLocal = new CatalogEntry("orders", Local, 3, 0, [new EpochRecord(0, "eu-west")], 12);
        Assert.Equal(new DeleteNamespaceCommand("orders", 0), ModeChangeRules.InStrongGlobalGroup(stayedLocal, Held(copy: true, epoch: 0), "orders"));
        Assert.Equal(new UnfenceNamespaceCommand("orders", 1), ModeChangeRules.InStrongGlobalGroup(MadeStrong(), Held(copy: false, epoch: 1, fencedThrough: 1), "orders"));
    }

    [Fact]
    public void Data_of_an_epoch_the_namespace_left_is_deleted_by_its_epoch()
    {
        // Back to local-commit in ap-south (epoch 2): the strong-global group's frozen data of epoch 1 goes.
        var backLocal = new CatalogEntry("orders", Local with { HomeRegion = "ap-south" }, 5, 2,
            [new EpochRecord(0, "eu-west"), new EpochRecord(1, null), new EpochRecord(2, "ap-south")], 20);
        Assert.Equal(new DeleteNamespaceCommand("orders", 1), ModeChangeRules.InStrongGlobalGroup(backLocal, Held(copy: false, epoch: 1, fencedThrough: 1), "orders"));

        // Strong-global now: eu-west's regional data of epoch 0 goes; the strong-global group's own data stays.
        Assert.Equal(new DeleteNamespaceCommand("orders", 0), ModeChangeRules.InRegionalGroup(MadeStrong(), Held(copy: false, epoch: 0, fencedThrough: 0), "orders", 3));
        Assert.Null(ModeChangeRules.InRegionalGroup(MadeStrong(), Held(copy: false, epoch: 1), "orders", StrongGroup));

        // A catalog view older than the data changes nothing.
        Assert.Null(ModeChangeRules.InStrongGlobalGroup(MadeStrong(), Held(copy: true, epoch: 4), "orders"));
    }
}
