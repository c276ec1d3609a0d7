using Platform.Regional.StateMachine;

namespace Platform.Regional.Replicas;

/// <summary>
/// One replica of one regional consensus group, pinned to its node: key <c>g&lt;group&gt;@&lt;node&gt;</c>
/// (<see cref="Placement.ReplicaKey"/>).
/// </summary>
public interface IReplicaGrain : IGrainWithStringKey
{
    /// <summary>
    /// Raft messages from another replica of the group (a <see cref="Transport.RaftMessageCodec"/>
    /// batch). Senders do not wait for it, but it is not a one-way call: Orleans drops a one-way
    /// message addressed to a restarted node's old incarnation without a word, and keeps sending
    /// there; an answered call is rejected instead, and Orleans re-resolves the node's new silo.
    /// </summary>
    Task Deliver(byte[] messages);

    /// <summary>One chunk of a snapshot streamed by the leader; answers the bytes staged so far (where to continue).</summary>
    Task<long> ReceiveSnapshotChunk(Transport.SnapshotChunk chunk);

    /// <summary>Proposes an encoded group command and answers once it is applied here (or why not).</summary>
    Task<ProposeReply> Propose(byte[] command);

    /// <summary>A linearizable read point from this replica if it leads (ReadIndex, or its lease).</summary>
    Task<ReadIndexReply> ReadIndex();

    Task<ReplicaStatus> Status();

    /// <summary>At the leader: the next step of adding a rejoining node's new incarnation to the group.</summary>
    Task<JoinReply> RequestJoin(ulong replica);

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

    /// <summary>The entry's outcome cannot be read back here (a snapshot covered it): it may have committed.</summary>
    Unknown,

    /// <summary>The leader put the entry in its log (at <see cref="ProposeReply.Index"/>, <see cref="ProposeReply.Term"/>) and did not wait for it to commit.</summary>
    Accepted,
}

[GenerateSerializer]
[Immutable]
public sealed record ProposeReply(
    [property: Id(0)] ProposeStatus Status,
    [property: Id(1)] string? LeaderNode,
    [property: Id(2)] long Index,
    [property: Id(3)] WriteOutcome? Write,
    [property: Id(4)] string? Problem)
{
    /// <summary>Applied, and the state machine refused nothing (for namespace writes: preconditions may still have failed).</summary>
    public bool Succeeded => Status == ProposeStatus.Applied && Problem is null && (Write is null || Write.Succeeded);

    /// <summary>For <see cref="ProposeStatus.Accepted"/>: the term of the entry the leader appended.</summary>
    [Id(5)]
    public long Term { get; init; }
}

public enum ReadIndexStatus
{
    Ready,
    NotLeader,

    /// <summary>The leader could not confirm its leadership in time (or lost it meanwhile).</summary>
    Unavailable,
}

[GenerateSerializer]
[Immutable]
public sealed record ReadIndexReply(
    [property: Id(0)] ReadIndexStatus Status,
    [property: Id(1)] long Index,
    [property: Id(2)] string? LeaderNode);

[GenerateSerializer]
[Immutable]
public sealed record MemberStatus(
    [property: Id(0)] string Node,
    [property: Id(1)] string Role,
    [property: Id(2)] long Match,
    [property: Id(3)] ulong Replica);

[GenerateSerializer]
[Immutable]
public sealed record ReplicaStatus(
    [property: Id(0)] string Node,
    [property: Id(1)] ulong ReplicaId,
    [property: Id(2)] string Role,
    [property: Id(3)] string? LeaderNode,
    [property: Id(4)] long Term,
    [property: Id(5)] long CommitIndex,
    [property: Id(6)] long AppliedIndex,
    [property: Id(7)] IReadOnlyList<MemberStatus> Members);
