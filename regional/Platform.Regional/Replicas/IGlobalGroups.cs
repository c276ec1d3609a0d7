namespace Platform.Regional.Replicas;

/// <summary>
/// The strong-global groups as the regional service needs them: declared here, implemented by the
/// global layer (regional never references it). Their leader may be in another region, so
/// proposals and read points go through the global layer's own router.
/// </summary>
public interface IGlobalGroups
{
    /// <summary>The group that holds the data of <c>strong-global</c> namespaces.</summary>
    ulong StrongGlobalGroup { get; }

    /// <summary>The group that holds the catalog: namespaces (mode, home, epochs, group) and tokens.</summary>
    ulong CatalogGroup { get; }

    bool Owns(ulong group);

    /// <summary>This node's replica of the group, or null while the node is starting.</summary>
    ReplicaCore? Local(ulong group);

    /// <summary>Commits a command in the group, through its leader wherever it is.</summary>
    Task<ProposeReply> ProposeAsync(ulong group, byte[] command, CancellationToken cancellationToken);

    /// <summary>Waits until this node's replica reflects every write acknowledged before the call.</summary>
    Task LinearizableBarrierAsync(ulong group, CancellationToken cancellationToken);
}
