
namespace Platform.Regional.Replicas;

/// <summary>A node's own face, pinned to it (key <c>node@&lt;node&gt;</c>): what a fresh node asks its peers before it picks its identity.</summary>
public interface INodeGrain : IGrainWithStringKey
{
    Task<IdentityProbe> Probe();

    /// <summary>Applies a chaos action on this node (a chaos route asked for the whole region); refused unless the node runs with --chaos.</summary>
    Task ApplyChaos(Chaos.ChaosAction action);
}

/// <param name="Decided">The node knows its replica id.</param>
/// <param name="HasData">Some group on the node has a term above zero: the region is running with data.</param>
[GenerateSerializer]
[Immutable]
public sealed record IdentityProbe([property: Id(0)] bool Decided, [property: Id(1)] bool HasData);
