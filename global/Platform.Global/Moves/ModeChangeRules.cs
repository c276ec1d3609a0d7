using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;
using Platform.Regional.StateMachine;

namespace Platform.Global.Moves;

/// <summary>
/// What a mode change (<see cref="NamespaceMover.ChangeModeAsync"/>) may leave behind when the node
/// running it stops half-way, and the step that finishes it; the replicator applies them on the
/// groups this node leads. In the strong-global group:
/// <list type="bullet">
/// <item>a copy of a namespace the catalog made <c>strong-global</c> in a later epoch is promoted;</item>
/// <item>a copy the catalog does not (or no longer) expect there is deleted (an aborted change);</item>
/// <item>data of an epoch the catalog moved to a region's group is deleted (a finished change back);</item>
/// <item>a freeze whose change was aborted is lifted.</item>
/// </list>
/// In a region's group: data of an earlier epoch of a namespace that is <c>strong-global</c> now is
/// deleted (copies of it are the replicator's orphans already). While a change is under way
/// (the catalog records the move) nothing is touched. Deletes carry the data's epoch, so data of a
/// later incarnation is never removed by a stale step.
/// </summary>
public static class ModeChangeRules
{
    public static GroupCommand? InStrongGlobalGroup(CatalogEntry? entry, HeldNamespace held, string ns)
    {
        if (entry is null)
        {
            return held.IsCopy ? new DeleteNamespaceCommand(ns, held.Epoch) : null;
        }

        if (entry.MovingTo is not null || entry.Epoch < held.Epoch)
        {
            return null;
        }

        if (entry.Mode == NamespaceMode.StrongGlobal)
        {
            if (held.IsCopy)
            {
                return entry.Epoch > held.Epoch ? new PromoteCopyCommand(ns, entry.Settings, entry.Epoch) : null;
            }

            return held.FencedThrough >= entry.Epoch && held.FenceOver(entry) ? new UnfenceNamespaceCommand(ns, held.FencedThrough) : null;
        }

        return held.IsCopy || entry.Epoch > held.Epoch ? new DeleteNamespaceCommand(ns, held.Epoch) : null;
    }

    public static GroupCommand? InRegionalGroup(CatalogEntry? entry, HeldNamespace held, string ns, ulong group) =>
        entry is { Mode: NamespaceMode.StrongGlobal, MovingTo: null } && entry.Group != group && !held.IsCopy && entry.Epoch > held.Epoch
            ? new DeleteNamespaceCommand(ns, held.Epoch)
            : null;
}
