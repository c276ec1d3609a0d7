
namespace Platform.Global.Groups;

/// <summary>
/// The ids of the strong-global groups in a node's write-ahead log: above every regional group's
/// id (0 .. groups-1), so both kinds share the node's log and its group commit.
/// </summary>
public static class GlobalGroups
{
    /// <summary>The group that holds the data of <c>strong-global</c> namespaces.</summary>
    public const ulong StrongGlobal = (1UL << 32) + 1;

    /// <summary>The group that holds the catalog: namespaces, their epochs and homes, and tokens.</summary>
    public const ulong Catalog = 1UL << 32;

    public static IReadOnlyList<ulong> All { get; } = [Catalog, StrongGlobal];
}
