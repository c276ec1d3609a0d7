using Platform.Regional.Catalog;
using Platform.Regional.StateMachine;

namespace Platform.Global.Moves;

/// <summary>What a region's group holds of a local-commit namespace, for <see cref="CatalogRules"/>.</summary>
public readonly record struct HeldNamespace(bool IsCopy, long Epoch, long Revision, long FencedThrough, long FencedAtVersion = -1)
{
    /// <summary>
    /// Whether the catalog view lets the fence go: a later epoch exists, or the move that set it has
    /// ended without one (the view is newer than the move's record and records no move).
    /// </summary>
    public bool FenceOver(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return FencedThrough >= 0
            && (entry.Epoch > FencedThrough || (entry.Epoch == FencedThrough && entry.MovingTo is null && entry.Version > FencedAtVersion));
    }
}

/// <summary>
/// How a region brings its data of a <c>local-commit</c> namespace in line with the catalog, one
/// command at a time (docs/architecture.md, Unplanned promotion: this happens by itself whenever a
/// region learns of a newer epoch). Used by the replicator and by the replication simulator alike:
/// <list type="bullet">
/// <item>a home of an earlier epoch (the namespace moved away, or away and back while this region
/// was gone) becomes a copy;</item>
/// <item>a copy holding revisions past a fork point drops them (before anything else: it may be
/// chosen for promotion before it next pulls);</item>
/// <item>a copy the catalog made the home is promoted into the catalog's epoch once the move is over;</item>
/// <item>a fence whose move ended (a later epoch exists, or the move was aborted: a catalog view newer
/// than the move's record shows none) is lifted.</item>
/// </list>
/// A catalog view older than the data (an epoch below the data's) changes nothing.
/// </summary>
public static class CatalogRules
{
    public static GroupCommand? NextStep(CatalogEntry entry, string region, HeldNamespace held)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Epoch < held.Epoch)
        {
            return null;
        }

        var homeHere = entry.HomeRegion == region;
        if (!held.IsCopy && (!homeHere || entry.Epoch > held.Epoch))
        {
            return new DemoteToCopyCommand(entry.Name, entry.Settings);
        }

        if (held.IsCopy && entry.ForkBelow(held.Revision) is { } fork)
        {
            return new NamespaceCommand(entry.Name, new Storage.Mvcc.TruncateCommand(fork, held.Revision));
        }

        if (held.IsCopy && homeHere && entry.Epoch > held.Epoch && entry.MovingTo is null)
        {
            return new PromoteCopyCommand(entry.Name, entry.Settings, entry.Epoch);
        }

        if (held.FenceOver(entry))
        {
            return new UnfenceNamespaceCommand(entry.Name, held.FencedThrough);
        }

        return null;
    }

    public static HeldNamespace? Held(GroupStateMachine machine, string ns)
    {
        ArgumentNullException.ThrowIfNull(machine);
        return machine.State(ns) is { } state ? new HeldNamespace(state.IsCopy, state.Store.Epoch, state.Store.Revision, state.FencedThrough, state.FencedAtVersion) : null;
    }
}
