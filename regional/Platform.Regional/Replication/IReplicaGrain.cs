using Orleans.Concurrency;

namespace Platform.Regional.Replication;

/// <summary>
/// One replica of one regional consensus group, pinned to its node: key <c>g&lt;group&gt;@&lt;node&gt;</c>
/// (<see cref="Placement.ReplicaKey"/>).
/// </summary>
public interface IReplicaGrain : IGrainWithStringKey
{
    /// <summary>Raft messages from another replica of the group (a <see cref="Transport.RaftMessageCodec"/> batch); fire and forget.</summary>
    [OneWay]
    Task Deliver(byte[] messages);

    /// <summary>Proposes an encoded group command and answers once it is applied here (or why not).</summary>
    Task<ProposeReply> Propose(byte[] command);

    Task<ReplicaStatus> Status();

    /// <summary>This replica's current value of a key (a serializable read), or null when absent.</summary>
    Task<byte[]?> ReadLocal(string ns, string key);
}

public enum ProposeStatus
{
    Applied,
    NotLeader,
    Refused,

    /// <summary>Another entry took the proposal's index: it never committed, retrying is safe.</summary>
    Lost,
}

[GenerateSerializer]
[Immutable]
public sealed record ProposeReply(
    [property: Id(0)] ProposeStatus Status,
    [property: Id(1)] string? LeaderNode,
    [property: Id(2)] long Index,
    [property: Id(3)] bool Succeeded,
    [property: Id(4)] long Revision,
    [property: Id(5)] string? ErrorCode,
    [property: Id(6)] string? Detail);

[GenerateSerializer]
[Immutable]
public sealed record ReplicaStatus(
    [property: Id(0)] string Node,
    [property: Id(1)] ulong ReplicaId,
    [property: Id(2)] string Role,
    [property: Id(3)] string? LeaderNode,
    [property: Id(4)] long Term,
    [property: Id(5)] long CommitIndex,
    [property: Id(6)] long AppliedIndex);
