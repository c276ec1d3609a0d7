using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Platform.Regional.Placement;

/// <summary>
/// Places a grain on the silo whose name (<c>SiloOptions.SiloName</c>, the node name) its key
/// names (<see cref="ReplicaKey"/>). A replica's identity is tied to that node's disk, so placement
/// never falls back to another silo: it throws when the named node is not an active member.
/// </summary>
[Serializable]
[GenerateSerializer]
[Immutable]
[SuppressReferenceTracking]
public sealed class NodePinnedPlacement : PlacementStrategy
{
    public static readonly NodePinnedPlacement Instance = new();

    /// <summary>
    /// No directory: the key names the node, so every caller finds the activation by placement
    /// alone. A directory entry would live on whichever silo owns its hash range, and a frozen
    /// silo would then stall messages between two healthy replicas (Raft liveness waiting on Orleans).
    /// </summary>
    public override bool IsUsingGrainDirectory => false;
}

/// <summary>Marks a grain class as pinned to the node its key names.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodePinnedPlacementAttribute : PlacementAttribute
{
    public NodePinnedPlacementAttribute()
        : base(NodePinnedPlacement.Instance)
    {
    }
}

/// <summary>Resolves the node a pinned grain's key names to that node's silo.</summary>
public sealed class NodePinnedPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = target.GrainIdentity.Key.ToString()!;
        var node = ReplicaKey.NodeOf(key)
            ?? throw new OrleansException($"grain {target.GrainIdentity} is pinned to a node, but its key '{key}' names none (expected what@node)");
        var compatible = context.GetCompatibleSilos(target).ToHashSet();

        // A node restarted moments ago is listed twice until its old incarnation is declared dead
        // (same name, same endpoint, an older generation): messages belong to the newest.
        var silo = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && m.Name == node && compatible.Contains(m.SiloAddress))
            .Select(m => m.SiloAddress)
            .MaxBy(a => a.Generation);
        if (silo is not null)
        {
            return Task.FromResult(silo);
        }

        throw new OrleansException($"grain {target.GrainIdentity} is pinned to node '{node}', which is not an active member of the cluster; it is not placed elsewhere");
    }
}
