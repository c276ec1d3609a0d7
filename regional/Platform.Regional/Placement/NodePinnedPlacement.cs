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
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Active && member.Name == node && compatible.Contains(member.SiloAddress))
            {
                return Task.FromResult(member.SiloAddress);
            }
        }

        throw new OrleansException($"grain {target.GrainIdentity} is pinned to node '{node}', which is not an active member of the cluster; it is not placed elsewhere");
    }
}
