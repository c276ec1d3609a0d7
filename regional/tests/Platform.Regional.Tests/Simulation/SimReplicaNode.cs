using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Regional.Hosting;
using Platform.Regional.Observability;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;
using Platform.Regional.Transport;
using Platform.Storage.Wal;
using Platform.Testing.Simulation;

namespace Platform.Regional.Tests.Simulation;

/// <summary>
/// One node of a simulated region running the shipped replica of one group: the node's
/// <see cref="ReplicaCore"/> (consensus core, Ready loop, group state machine) over the shipped
/// write-ahead log and snapshot store on a simulated disk, its clock and timers from its
/// <see cref="SimProcess"/>, its group commit run as the process's work after an fsync's latency,
/// and its messages carried by the simulated network. A crash drops the process's work and the
/// disk's unsynced writes; a restart recovers a new replica from what the disk kept, as a node does.
/// </summary>
public sealed class SimReplicaNode
{
    /// <summary>Meters are process-wide and harmless to share between runs.</summary>
    private static readonly RegionalMetrics Metrics = new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    private readonly SimRandom random;
    private readonly SimFileSystem disk = new();
    private readonly NodeOptions options;
    private readonly TimeSpan fsyncLatency;
    private ITimer? ticker;

    public SimReplicaNode(string name, NodeOptions options, SimLoop loop, SimRandom random, double clockRateErrorBound, TimeSpan fsyncLatency, IReplicaPeers peers)
    {
        ArgumentNullException.ThrowIfNull(random);
        this.random = random;
        this.options = options;
        this.fsyncLatency = fsyncLatency;
        Name = name;
        Process = new SimProcess(name, loop, random.Fork(), clockRateErrorBound);
        Router = new GroupRouter(new RunningReplica(this), peers, options, Process.Time);
    }

    public TimeSpan RequestTimeout => options.RequestTimeout;

    /// <summary>The node's shipped router: proposals to the leader (forwarded through the peers), linearizable barriers.</summary>
    public GroupRouter Router { get; }

    public string Name { get; }

    public SimProcess Process { get; }

    /// <summary>The running incarnation's replica (null while crashed).</summary>
    public ReplicaCore? Core { get; private set; }

    /// <summary>Sends a batch of Raft messages to another node's replica (set by the simulation's network).</summary>
    public Action<string, string, byte[]>? Send { get; set; }

    /// <summary>Sends one chunk of a snapshot to another node's replica and returns what it staged (set by the simulation's network).</summary>
    public Func<string, string, SnapshotChunk, Task<long>>? SendChunk { get; set; }

    /// <summary>Starts (or restarts, after a crash) the node: recovers its replica from the disk and starts ticking it.</summary>
    public void Start()
    {
        if (Core is not null)
        {
            throw new InvalidOperationException($"{Name} is already running: two processes on one disk");
        }

        var identity = new NodeIdentity(options, NullLogger<NodeIdentity>.Instance, disk);
        if (!identity.TryLoad())
        {
            identity.Decide(regionHasData: false);
        }

        // Small segments: the log rolls over to new segments many times a run (and a preallocated
        // segment of the default 64 MiB would cost the simulated disk that much memory).
        var wal = new WalOptions { SegmentBytes = 16 << 10, FlushScheduler = flush => Process.Post(fsyncLatency, flush) };
        var storage = new NodeStorage(options, identity, disk, wal);
        var core = new ReplicaCore(0, storage, new RegionalTopology(0, options, identity), Metrics, NullLogger<ReplicaCore>.Instance, Process.Time, random.Fork())
        {
            DiskWorkOnCallerThread = true,
        };
        core.Transport = (to, batch) => Send?.Invoke(Name, to, batch);
        core.SnapshotStreamer = new SnapshotStreamer(0, options.SnapshotChunkBytes, (to, chunk) =>
            SendChunk?.Invoke(Name, to, chunk) ?? Task.FromException<long>(new IOException("no network")), NullLogger.Instance, onCallerThread: true);
        Core = core;
        ticker = Process.Time.CreateTimer(_ => _ = core.TickAsync(), null, options.TickInterval, options.TickInterval);
    }

    /// <summary>The process stops at once: queued work and timers are gone, unsynced writes are lost or torn.</summary>
    public void Crash()
    {
        Process.Crash();
        ticker?.Dispose();
        ticker = null;
        Core = null;
        disk.Crash(random);
    }

    /// <summary>Runs <paramref name="work"/> on this node as a request that reached it after <paramref name="latency"/>; null when the node is down.</summary>
    public Task<T>? Call<T>(TimeSpan latency, Func<ReplicaCore, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Core is not { } core)
        {
            return null;
        }

        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Process.Post(latency, () => _ = RunAsync(core, work, answer));
        return answer.Task;
    }

    /// <summary>The running incarnation's replica, as the router finds it; none while the node is down.</summary>
    private sealed class RunningReplica(SimReplicaNode node) : ILocalReplicas
    {
        public ReplicaCore Get(ulong group) => node.Core ?? throw new NodeNotReadyException($"{node.Name} is down");
    }

    private static async Task RunAsync<T>(ReplicaCore core, Func<ReplicaCore, Task<T>> work, TaskCompletionSource<T> answer)
    {
        try
        {
            answer.TrySetResult(await work(core));
        }
#pragma warning disable CA1031 // Whatever the work threw is the caller's answer.
        catch (Exception failed)
#pragma warning restore CA1031
        {
            answer.TrySetException(failed);
        }
    }
}
