namespace Platform.Regional.Replicas;

/// <summary>Consensus groups a layer above the region hosts on this node (strong-global groups), for status and metrics.</summary>
public interface IGroupSource
{
    IReadOnlyList<(ulong Id, ReplicaCore Replica)> Groups { get; }
}
