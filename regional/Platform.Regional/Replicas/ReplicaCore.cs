using Microsoft.Extensions.Logging;
using Platform.Consensus;
using Platform.Regional.Hosting;
using Platform.Regional.Observability;
using Platform.Regional.StateMachine;
using Platform.Regional.Transport;

namespace Platform.Regional.Replicas;

/// <summary>
/// One group's replica on this node: the consensus core, the group's MVCC state machine, and the
/// proposals waiting for their entries. It lives for the whole process (in <see cref="NodeReplicas"/>),
/// not in a grain activation: Orleans may deactivate and reactivate a grain (for example when the
/// directory partition that registered it dies with another node), and a replica must never come
/// back from an older view of its disk, or it could vote twice in a term.
/// </summary>
/// <remarks>
/// Grain turns reach it from the activation's scheduler, so it guards the core with a lock; the
/// lock is never held across the write-ahead log's fsync.
/// </remarks>
public sealed partial class ReplicaCore
{
    private const string LostProposal = "lost";
    private const string UnknownProposal = "unknown";

    private readonly Lock gate = new();
    private readonly Dictionary<long, (long Term, TaskCompletionSource<GroupApplyOutcome> Done)> proposals = [];
    private readonly TimeProvider time;
    private readonly long startedAt;
    private readonly NodeStorage storage;
    private readonly IGroupTopology topology;
    private readonly NodeOptions options;
    private readonly ulong group;
    private readonly ILogger logger;
    private readonly RegionalMetrics metrics;
    private readonly RaftNode raft;
    private GroupStateMachine stateMachine = new();
    private bool pumping;
    private long lastProposalStamp;
    private readonly AgeingStamps ageing = new();
    private long lastSnapshotIndex;

    /// <param name="time">
    /// The replica's clocks and timers: CLOCK_BOOTTIME (<see cref="BootClock.Provider"/>) on a node,
    /// a simulated process's clock in a simulation.
    /// </param>
    /// <param name="random">Where the consensus core's election timeouts are drawn from; seeded by a simulation.</param>
    public ReplicaCore(ulong group, NodeStorage storage, IGroupTopology topology, RegionalMetrics metrics, ILogger logger, TimeProvider? time = null, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(topology);
        this.time = time ?? BootClock.Provider;
        startedAt = this.time.GetTimestamp();
        this.group = group;
        this.storage = storage;
        this.topology = topology;
        this.metrics = metrics;
        this.logger = logger;
        options = storage.Options;
        var restore = storage.Restore(group, topology.InitialConfiguration);
        if (restore.Snapshot is { } snapshot)
        {
            stateMachine = GroupStateMachine.FromSnapshot(snapshot.Data);
            lastSnapshotIndex = snapshot.Metadata.Index;
        }

        var raftOptions = new RaftOptions
        {
            Id = topology.SelfId,
            MinElectionTimeout = options.MinElectionTimeout,
            HeartbeatInterval = options.HeartbeatInterval,
            ShareMatches = topology.ShareMatches,
            ShareMatchWith = topology.ShareMatchWith,
        };
        raft = new RaftNode(raftOptions, restore, Now, random ?? new SeededRandomSource(Random.Shared.Next()));
        var self = topology.NameOf(topology.SelfId);
        LogStarted(logger, group, self, restore.HardState.Term, restore.Entries.Count);
    }

    /// <summary>Sends a batch of messages to the replica of this group on another node.</summary>
    public Action<string, byte[]>? Transport { get; set; }

    /// <summary>Whether a member (by name) can be reached right now; chaos partitions say no. Null: always.</summary>
    public Func<string, bool>? Reachable { get; set; }

    /// <summary>
    /// Whether blocking disk work (staging a snapshot chunk, with its fsync) runs on the caller's
    /// context: false on a node, where it leaves the caller's turn for the thread pool; true in a
    /// deterministic simulation, whose one thread runs everything and whose disk does not block.
    /// </summary>
    public bool DiskWorkOnCallerThread { get; init; }

    /// <summary>Streams InstallSnapshot messages to another node in chunks.</summary>
    public Transport.SnapshotStreamer? SnapshotStreamer { get; set; }

    /// <summary>
    /// Stages one chunk of a snapshot streamed to this replica (fsynced before the answer); once the
    /// last one is in and the file verifies, installs it and steps the InstallSnapshot message.
    /// Returns the bytes staged, where the sender continues.
    /// </summary>
    public async Task<long> ReceiveSnapshotChunkAsync(Transport.SnapshotChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var receiver = storage.SnapshotReceiver;
        var staged = receiver.StagedBytes(group, chunk.Index);
        if (chunk.Offset != staged)
        {
            return staged;
        }

        if (chunk.Bytes.Length > 0)
        {
            // Off the caller's turn: the chunk is synced before it is acknowledged.
            staged = DiskWorkOnCallerThread
                ? receiver.AcceptChunk(group, chunk.Index, chunk.Offset, chunk.Bytes)
                : await Task.Run(() => receiver.AcceptChunk(group, chunk.Index, chunk.Offset, chunk.Bytes));
        }

        if (staged < chunk.TotalBytes || chunk.Header is null)
        {
            return staged;
        }

        Snapshot snapshot;
        try
        {
            snapshot = DiskWorkOnCallerThread ? receiver.Complete(group, chunk.Index) : await Task.Run(() => receiver.Complete(group, chunk.Index));
        }
        catch (Platform.Storage.Snapshots.SnapshotCorruptedException)
        {
            receiver.Discard(group, chunk.Index);
            return 0;
        }

        var message = RaftMessageCodec.Decode(chunk.Header).Single() with { Snapshot = snapshot };
        lock (gate)
        {
            raft.Tick(Now);
            if (message.To == raft.Id)
            {
                raft.Step(message);
            }
        }

        await PumpAsync();
        return staged;
    }

    public ulong Group => group;

    /// <summary>The replica's time for the consensus core: CLOCK_BOOTTIME, which suspend does not stop.</summary>
    private TimeSpan Now => time.GetElapsedTime(startedAt);

    public Task TickAsync()
    {
        lock (gate)
        {
            raft.Tick(Now);
            SpreadLeadership();
            PromoteCaughtUpLearners();
            ExpireAbandonedProposals();
        }

        return PumpAsync();
    }

    public Task DeliverAsync(byte[] messages)
    {
        var decoded = RaftMessageCodec.Decode(messages);
        lock (gate)
        {
            raft.Tick(Now);
            foreach (var message in decoded)
            {
                // Messages for this node's previous incarnation (a wiped disk) are not this replica's to
                // answer; messages from a member cut off by chaos never arrived.
                if (message.To == raft.Id && (Reachable is not { } reachable || reachable(topology.NameOf(message.From))))
                {
                    raft.Step(message);
                    if (message.From == raft.Leader)
                    {
                        freshness.Mark(raft.LeaderCommit, Now);
                    }
                }
            }
        }

        return PumpAsync();
    }

    /// <summary>
    /// Under the lock: proposes the command, dated by the leader's wall clock (never going
    /// backwards; the commit time kept with the revision) and stamped with the group's ageing clock
    /// as this leader reads it (which ages idempotency keys; see <see cref="AgeingStamps"/>).
    /// </summary>
    private ProposeResult ProposeStamped(byte[] command)
    {
        raft.Tick(Now);
        if (raft.Role == Role.Leader)
        {
            lastProposalStamp = Math.Max(lastProposalStamp, time.GetUtcNow().ToUnixTimeMilliseconds());
            command = GroupCommandCodec.StampProposalTime(command, lastProposalStamp);
            if (ageing.Stamp(raft.Term, Now) is { } ageingMs)
            {
                command = GroupCommandCodec.StampAgeingTime(command, ageingMs);
            }
        }

        return raft.Propose(command);
    }

    public async Task<ProposeReply> ProposeAsync(byte[] command)
    {
        ProposeResult result;
        TaskCompletionSource<GroupApplyOutcome>? done = null;
        lock (gate)
        {
            result = ProposeStamped(command);
            if (result.IsAccepted)
            {
                done = new TaskCompletionSource<GroupApplyOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (proposals.Remove(result.Index, out var earlier))
                {
                    // A proposal of an earlier term at this index was overwritten before it committed.
                    earlier.Done.TrySetResult(new GroupApplyOutcome(result.Index, null, LostProposal));
                }

                proposals[result.Index] = (result.Term, done);
            }
        }

        if (done is null)
        {
            var status = result.Outcome == ProposeOutcome.NotLeader ? ProposeStatus.NotLeader : ProposeStatus.Refused;
            return new ProposeReply(status, LeaderNode(result.LeaderHint), 0, null, result.Problem ?? result.Outcome.ToString());
        }

        _ = PumpAsync();
        var outcome = await done.Task;
        if (outcome.Problem == UnknownProposal)
        {
            return new ProposeReply(ProposeStatus.Unknown, LeaderNode(CurrentLeader), result.Index, null, "a snapshot replaced the log before this replica saw the entry's outcome");
        }

        if (outcome.Problem == LostProposal)
        {
            return new ProposeReply(ProposeStatus.Lost, LeaderNode(CurrentLeader), result.Index, null, "another entry took the proposal's place in the log");
        }

        return new ProposeReply(ProposeStatus.Applied, topology.NameOf(topology.SelfId), result.Index, outcome.Write, outcome.Problem);
    }

    public ReplicaStatus Status()
    {
        lock (gate)
        {
            var progress = raft.Role == Role.Leader ? raft.ProgressSnapshot().ToDictionary(p => p.Replica) : [];
            var members = raft.Configuration.Members
                .Select(id => new MemberStatus(
                    topology.NameOf(id),
                    id == raft.Leader ? "leader" : raft.Configuration.IsLearner(id) ? "learner" : "follower",
                    id == raft.Id ? raft.LastIndex : progress.TryGetValue(id, out var p) ? p.Match : 0,
                    id))
                .ToList();
            return new ReplicaStatus(topology.NameOf(topology.SelfId), topology.SelfId, raft.Role.ToString(), LeaderNode(raft.Leader), raft.Term, raft.CommitIndex, stateMachine.AppliedIndex, members);
        }
    }

    private readonly Freshness freshness = new();

    /// <summary>
    /// How long since this replica last held everything its leader had committed (zero while it
    /// leads): how stale its state may be. Hearing from the leader is not enough: a follower far
    /// behind (catching up, or waiting for a snapshot) is stale however often its leader calls.
    /// </summary>
    public TimeSpan SinceFresh
    {
        get
        {
            lock (gate)
            {
                return raft.Role == Role.Leader ? TimeSpan.Zero : freshness.FreshAsOf is { } at ? Now - at : TimeSpan.MaxValue;
            }
        }
    }

    /// <summary>The leader this replica knows and its term, cheaply (no member list).</summary>
    public (string? Leader, long Term) LeaderAndTerm
    {
        get
        {
            lock (gate)
            {
                return (LeaderNode(raft.Leader), raft.Term);
            }
        }
    }

    public long Term
    {
        get
        {
            lock (gate)
            {
                return raft.Term;
            }
        }
    }

    public byte[]? ReadLocal(string ns, string key)
    {
        lock (gate)
        {
            return stateMachine.Namespace(ns)?.Get(key)?.Value.ToArray();
        }
    }

    private ulong CurrentLeader
    {
        get
        {
            lock (gate)
            {
                return raft.Leader;
            }
        }
    }

    private string? LeaderNode(ulong replica) => replica == ReplicaId.None ? null : topology.NameOf(replica);

    [LoggerMessage(Level = LogLevel.Information, Message = "group {Group} replica on {Node} started at term {Term} with {Entries} log entries")]
    private static partial void LogStarted(ILogger logger, ulong group, string node, long term, int entries);

    [LoggerMessage(Level = LogLevel.Critical, Message = "group {Group}: the replica's Ready loop failed; stopping the process")]
    private static partial void LogFatal(ILogger logger, ulong group, Exception failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "group {Group}: snapshot at index {Index}, log compacted")]
    private static partial void LogSnapshot(ILogger logger, ulong group, long index);
}
