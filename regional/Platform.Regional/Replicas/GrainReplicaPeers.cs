namespace Platform.Regional.Replicas;

/// <summary>
/// The node's way to its peers' replicas: calls to the group's replica grain on the target node,
/// with Orleans' failures sorted into undelivered and unknown.
/// </summary>
public sealed class GrainReplicaPeers(IGrainFactory grains, Placement.NodeAddresses addresses) : IReplicaPeers
{
    public async Task<ProposeReply> ProposeAsync(ulong group, string node, byte[] command)
    {
        try
        {
            return await grains.GetGrain<IReplicaGrain>(addresses.Replica(group, node)).Propose(command);
        }
        catch (Exception failed) when (IsUndelivered(failed))
        {
            throw new PeerUnreachableException($"{node} was not reached: {failed.Message}", failed);
        }
        catch (OrleansException failed)
        {
            throw new PeerOutcomeUnknownException($"the call to {node} failed: {failed.Message}", failed);
        }
    }

    public async Task<ReadIndexReply> ReadIndexAsync(ulong group, string node)
    {
        try
        {
            return await grains.GetGrain<IReplicaGrain>(addresses.Replica(group, node)).ReadIndex();
        }
        catch (Exception failed) when (IsUndelivered(failed))
        {
            throw new PeerUnreachableException($"{node} was not reached: {failed.Message}", failed);
        }
        catch (OrleansException failed)
        {
            throw new PeerOutcomeUnknownException($"the call to {node} failed: {failed.Message}", failed);
        }
    }

    /// <summary>
    /// True for failures that prove the call never reached the other node: the connection could not
    /// be made, or placement refused a node that is not an active member. Not
    /// <see cref="SiloUnavailableException"/>: Orleans also fails a request already delivered with it
    /// when the node is declared dead while the request is in flight, and a write that reached a
    /// leader may commit (retrying it elsewhere would answer "changed nothing", or write twice).
    /// </summary>
    private static bool IsUndelivered(Exception failure) =>
        failure is Orleans.Runtime.Messaging.ConnectionFailedException
        || failure is OrleansMessageRejectionException { InnerException: Orleans.Runtime.Messaging.ConnectionFailedException }
        || (failure is OrleansException && failure.Message.Contains("not an active member", StringComparison.Ordinal));
}
