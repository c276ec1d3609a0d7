namespace Platform.Regional.Replicas;

/// <summary>
/// How a node reaches a group's replica on another node of its region: grain calls on a node
/// (<see cref="GrainReplicaPeers"/>), the simulated network in a simulation. Failures come in two
/// kinds, because a write must never be sent twice when it may have arrived once:
/// <see cref="PeerUnreachableException"/> (the call never left: asking again is safe) and
/// <see cref="PeerOutcomeUnknownException"/> (it may have been delivered).
/// </summary>
public interface IReplicaPeers
{
    Task<ProposeReply> ProposeAsync(ulong group, string node, byte[] command);

    Task<ReadIndexReply> ReadIndexAsync(ulong group, string node);
}

/// <summary>The replicas this node hosts, one per group (<see cref="NodeReplicas"/> on a node).</summary>
public interface ILocalReplicas
{
    ReplicaCore Get(ulong group);
}

/// <summary>The call never reached the other node: it could not be made, or placement refused it.</summary>
public sealed class PeerUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The call failed after it may have been delivered: a write it carried may commit.</summary>
public sealed class PeerOutcomeUnknownException(string message, Exception? inner = null) : Exception(message, inner);
