using Platform.Global.Moves;
using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;

namespace Platform.Global.Tests.Moves;

/// <summary>Which moves a region aborts because their record sat in the catalog too long.</summary>
public sealed class StaleMovesTests
{
    private static readonly NamespaceSettings Local = new(NamespaceMode.LocalCommit, "eu-west", TimeSpan.FromSeconds(5), RpoPolicy.Alert, false);

    private static CatalogEntry Moving(long version, string target = "us-east") =>
        new("orders", Local, 3, 0, [new EpochRecord(0, "eu-west")], version) { MovingTo = target };

    [Fact]
    public void A_move_is_due_once_its_record_is_older_than_the_limit_at_the_same_version()
    {
        var moves = new StaleMoves();
        var start = TimeSpan.FromSeconds(100);
        Assert.Empty(moves.Due([Moving(7)], "eu-west", start));
        Assert.Empty(moves.Due([Moving(7)], "eu-west", start + StaleMoves.AbortAfter));
        Assert.Equal(7, Assert.Single(moves.Due([Moving(7)], "eu-west", start + StaleMoves.AbortAfter + TimeSpan.FromSeconds(1))).Version);

        // A new version of the record (the move went on, or another began) starts the count again.
        Assert.Empty(moves.Due([Moving(9)], "eu-west", start + StaleMoves.AbortAfter * 3));
    }

    [Fact]
    public void Only_the_home_and_the_region_the_record_names_abort_a_move()
    {
        // A switchover from eu-west to us-east, or a promotion run from us-east while eu-west is lost: either may abort it.
        var moves = new StaleMoves();
        Assert.Empty(moves.Due([Moving(7)], "us-east", TimeSpan.Zero));
        Assert.Single(moves.Due([Moving(7)], "us-east", StaleMoves.AbortAfter * 2));
        Assert.False(StaleMoves.RunsHere(Moving(7), "ap-south"));

        // A change to local-commit runs at the new home.
        var strong = new CatalogEntry("flags", Local with { Mode = NamespaceMode.StrongGlobal, HomeRegion = null }, 1UL << 62, 0, [new EpochRecord(0, null)], 4) { MovingTo = "ap-south" };
        Assert.True(StaleMoves.RunsHere(strong, "ap-south"));
        Assert.False(StaleMoves.RunsHere(strong, "eu-west"));
        Assert.True(StaleMoves.RunsHere(Moving(1, CatalogEntry.ToStrongGlobal), "eu-west"));
    }

    [Fact]
    public void A_move_that_ended_is_forgotten()
    {
        var moves = new StaleMoves();
        moves.Due([Moving(7)], "eu-west", TimeSpan.Zero);
        moves.Due([], "eu-west", TimeSpan.FromSeconds(1));
        Assert.Empty(moves.Due([Moving(7)], "eu-west", StaleMoves.AbortAfter + TimeSpan.FromSeconds(2)));
    }
}
