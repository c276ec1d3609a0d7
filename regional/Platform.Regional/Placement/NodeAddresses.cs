namespace Platform.Regional.Placement;

/// <summary>
/// Makes the keys of pinned grains for their node's current silo. Orleans caches where a grain
/// lives; after a node restarts, a cached address of its previous silo keeps being used, and
/// messages to it are lost. A key that names the silo's generation is a new grain identity after
/// every restart, so callers always reach the live silo.
/// </summary>
public sealed class NodeAddresses(IClusterMembershipService membership)
{
    /// <summary>The key of <paramref name="what"/> on <paramref name="node"/>'s newest active silo (no generation when none is known).</summary>
    public string Key(string what, string node)
    {
        var generation = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && m.Name == node)
            .Select(m => m.SiloAddress.Generation)
            .DefaultIfEmpty(0)
            .Max();
        return ReplicaKey.For(what, node, generation);
    }

    /// <summary>True when <paramref name="node"/> has an active silo in this node's view of the cluster.</summary>
    public bool IsActive(string node) => membership.CurrentSnapshot.Members.Values.Any(m => m.Status == SiloStatus.Active && m.Name == node);

    /// <summary>The key of group <paramref name="group"/>'s replica on <paramref name="node"/>.</summary>
    public string Replica(ulong group, string node) => Key($"g{group}", node);
}
