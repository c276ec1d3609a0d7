using Platform.Consensus.Membership;

namespace Platform.Consensus;

/// <summary>Where a snapshot stands in the log, and the configuration at that point.</summary>
public sealed record SnapshotMetadata(long Index, long Term, ConfState ConfState);

/// <summary>The state machine's state as of <see cref="SnapshotMetadata.Index"/>; the log before it may be discarded.</summary>
public sealed record Snapshot(SnapshotMetadata Metadata, ReadOnlyMemory<byte> Data);

/// <summary>A linearizable read point: once the state machine has applied <see cref="Index"/>, the read may be served.</summary>
/// <param name="RequestId">The caller's id for the read.</param>
/// <param name="Index">The commit index the read must wait for.</param>
/// <param name="ViaLease">True when leadership was vouched for by the leader lease rather than a heartbeat round.</param>
public readonly record struct ReadState(long RequestId, long Index, bool ViaLease);
