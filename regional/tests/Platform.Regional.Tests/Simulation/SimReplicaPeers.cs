using Platform.Regional.Replicas;

namespace Platform.Regional.Tests.Simulation;

/// <summary>
/// How a simulated node's router reaches its peers' replicas: a call over the simulated network,
/// refused at once when the peer is down or cut off from the caller (it never left), otherwise
/// run on the peer as a request that arrived; a peer that crashes with it never answers.
/// </summary>
public sealed class SimReplicaPeers(string from, Func<string, SimReplicaNode> nodeOf, Func<string, string, bool> reachable, Func<TimeSpan> latency) : IReplicaPeers
{
    public Task<ProposeReply> ProposeAsync(ulong group, string node, byte[] command) =>
        Call(node, core => core.ProposeAsync(command));

    public Task<ReadIndexReply> ReadIndexAsync(ulong group, string node) =>
        Call(node, core => core.ReadIndexAsync(nodeOf(node).RequestTimeout));

    private Task<T> Call<T>(string node, Func<ReplicaCore, Task<T>> work) =>
        reachable(from, node) && nodeOf(node).Call(latency(), work) is { } call
            ? call
            : Task.FromException<T>(new PeerUnreachableException($"{node} cannot be reached from {from}"));
}
