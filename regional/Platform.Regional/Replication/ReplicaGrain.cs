using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Platform.Consensus;
using Platform.Regional.Hosting;
using Platform.Regional.Placement;
using Platform.Regional.StateMachine;
using Platform.Regional.Transport;

namespace Platform.Regional.Replication;

/// <summary>
/// Drives one group's consensus core on one node: ticks from the node's monotonic clock, steps
/// messages from its peers, persists each Ready through the node's write-ahead log (group commit),
/// sends, applies committed entries to the group's MVCC state machine and answers proposers.
/// Reentrant, so the grain's turn is not held while a persist awaits its fsync: steps, ticks and
/// proposals keep arriving, and the next Ready carries them.
/// </summary>
[NodePinnedPlacement]
[Reentrant]
public sealed partial class ReplicaGrain : Grain, IReplicaGrain
{
    private readonly Dictionary<long, (long Term, TaskCompletionSource<GroupApplyOutcome> Done)> proposals = [];
    private readonly long startedAt = TimeProvider.System.GetTimestamp();
    private NodeStorage storage = null!;
    private NodeOptions options = null!;
    private RaftNode raft = null!;
    private GroupStateMachine stateMachine = new();
    private ulong group;
    private bool pumping;
    private long lastSnapshotIndex;
    private ILogger logger = null!;

    /// <summary>Applied entries between snapshots of the group's state (which let the log be compacted).</summary>
    private const long SnapshotEveryEntries = 10_000;

    private TimeSpan Now => TimeProvider.System.GetElapsedTime(startedAt);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        storage = ServiceProvider.GetRequiredService<NodeStorage>();
        options = storage.Options;
        logger = ServiceProvider.GetRequiredService<ILogger<ReplicaGrain>>();
        var key = this.GetPrimaryKeyString();
        group = ParseGroup(ReplicaKey.WhatOf(key));
        var restore = storage.Restore(group);
        if (restore.Snapshot is { } snapshot)
        {
            stateMachine = GroupStateMachine.FromSnapshot(snapshot.Data);
            lastSnapshotIndex = snapshot.Metadata.Index;
        }

        var raftOptions = new RaftOptions
        {
            Id = storage.ReplicaId,
            MinElectionTimeout = options.MinElectionTimeout,
            HeartbeatInterval = options.HeartbeatInterval,
        };
        raft = new RaftNode(raftOptions, restore, Now, new SeededRandomSource(Random.Shared.Next()));
        this.RegisterGrainTimer(OnTick, new GrainTimerCreationOptions { DueTime = options.TickInterval, Period = options.TickInterval, Interleave = true, KeepAlive = true });
        LogActivated(logger, group, options.NodeName, restore.HardState.Term, restore.Entries.Count);
        return Task.CompletedTask;
    }

    public static string KeyFor(ulong group, string node) => ReplicaKey.For($"g{group}", node);

    private static ulong ParseGroup(string what) =>
        what.StartsWith('g') && ulong.TryParse(what.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var group)
            ? group
            : throw new ArgumentException($"'{what}' does not name a group (g<number>)");

    private Task OnTick(CancellationToken cancellationToken)
    {
        raft.Tick(Now);
        return PumpAsync();
    }

    public Task Deliver(byte[] messages)
    {
        raft.Tick(Now);
        foreach (var message in RaftMessageCodec.Decode(messages))
        {
            raft.Step(message);
        }

        return PumpAsync();
    }

    public async Task<ProposeReply> Propose(byte[] command)
    {
        raft.Tick(Now);
        var result = raft.Propose(command);
        if (!result.IsAccepted)
        {
            var status = result.Outcome == ProposeOutcome.NotLeader ? ProposeStatus.NotLeader : ProposeStatus.Refused;
            return new ProposeReply(status, LeaderNode(result.LeaderHint), 0, false, 0, result.Outcome.ToString(), result.Problem);
        }

        var done = new TaskCompletionSource<GroupApplyOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        proposals[result.Index] = (result.Term, done);
        _ = PumpAsync();
        var outcome = await done.Task;
        if (outcome.Problem == LostProposal)
        {
            return new ProposeReply(ProposeStatus.Lost, LeaderNode(raft.Leader), result.Index, false, 0, null, "another entry took the proposal's place in the log");
        }

        return new ProposeReply(ProposeStatus.Applied, options.NodeName, result.Index, outcome.Mvcc?.Succeeded ?? outcome.Problem is null,
            outcome.Mvcc?.Revision ?? 0, outcome.Mvcc?.Error?.ToString(), outcome.Mvcc?.Detail ?? outcome.Problem);
    }

    public Task<ReplicaStatus> Status() =>
        Task.FromResult(new ReplicaStatus(options.NodeName, storage.ReplicaId, raft.Role.ToString(), LeaderNode(raft.Leader), raft.Term, raft.CommitIndex, raft.AppliedIndex));

    public Task<byte[]?> ReadLocal(string ns, string key) =>
        Task.FromResult(stateMachine.Namespace(ns)?.Get(key)?.Value.ToArray());

    private string? LeaderNode(ulong replica) => replica == ReplicaId.None ? null : options.NodeOfReplica(replica);

    private const string LostProposal = "lost";
}
