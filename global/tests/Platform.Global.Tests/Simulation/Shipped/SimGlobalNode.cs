using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Consensus;
using Platform.Global.Failover;
using Platform.Global.Groups;
using Platform.Global.Leases;
using Platform.Global.Moves;
using Platform.Global.Replication;
using Platform.Global.Transport;
using Platform.Regional.Api.Handlers;
using Platform.Regional.Hosting;
using Platform.Regional.Observability;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;
using Platform.Storage.Wal;
using Platform.Testing.Simulation;

namespace Platform.Global.Tests.Simulation.Shipped;

/// <summary>
/// A node of a simulated region (of one or three), running the shipped global layer: its regional group's
/// replica and the strong-global replicas (catalog and strong-global data) on the shipped
/// write-ahead log over a simulated disk, the routers, the catalog, home leases, the replicator
/// and its copy pullers, promotion, switchover, auto-failover and the key-value handlers, all
/// reading the process's drifting clock and calling other regions over the simulated network.
/// A crash drops the process's work and the disk's unsynced writes; a restart builds every
/// object again from what the disk kept, as a node's restart does.
/// </summary>
public sealed class SimGlobalNode
{
    private readonly SimRandom random;
    private readonly SimFileSystem disk = new();
    private readonly TimeSpan fsyncLatency;
    private readonly Func<SimGlobalNode, IInterRegionTransport> transportFor;
    private ServiceProvider? services;
    private ITimer? ticker;

    public SimGlobalNode(NodeOptions options, InterRegionOptions inter, SimLoop loop, SimRandom random, double clockRateErrorBound, TimeSpan fsyncLatency,
        Func<SimGlobalNode, IInterRegionTransport> transportFor)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        Options = options;
        Name = $"{options.Region}/{options.NodeName}";
        Inter = inter;
        this.random = random;
        this.fsyncLatency = fsyncLatency;
        this.transportFor = transportFor;
        Process = new SimProcess(Name, loop, random.Fork(), clockRateErrorBound);
    }

    public NodeOptions Options { get; }

    public InterRegionOptions Inter { get; }

    public string Region => Options.Region;

    public string Name { get; }

    public SimProcess Process { get; }

    /// <summary>Another node of this region by name (set by the simulation); regions of one node have none.</summary>
    public Func<string, SimGlobalNode>? RegionPeer { get; set; }

    /// <summary>Bumped at every start: a connection made with an earlier incarnation is gone.</summary>
    public long Incarnation { get; private set; }

    public bool Running => Regional is not null;

    public ReplicaCore? Regional { get; private set; }

    public GlobalReplicas Global { get; private set; } = null!;

    public GroupRouter Router { get; private set; } = null!;

    public NamespaceCatalog Catalog { get; private set; } = null!;

    public NamespaceAccess Namespaces { get; private set; } = null!;

    public ReplicationBoard Board { get; private set; } = null!;

    public HomeLeaseKeeper Leases { get; private set; } = null!;

    public Promotion Promotion { get; private set; } = null!;

    public NamespaceMover Mover { get; private set; } = null!;

    public KvWriteHandlers Writes { get; private set; } = null!;

    public KvReadHandlers Reads { get; private set; } = null!;

    public NamespaceHandlers NamespaceApi { get; private set; } = null!;

    /// <summary>Starts (or restarts, after a crash) the node: recovers from the disk and starts its background work.</summary>
    public void Start(bool autoFailover)
    {
        if (Running)
        {
            throw new InvalidOperationException($"{Name} is already running: two processes on one disk");
        }

        Incarnation++;
        var identity = new NodeIdentity(Options, NullLogger<NodeIdentity>.Instance, disk);
        if (!identity.TryLoad())
        {
            identity.Decide(regionHasData: false);
        }

        var wal = new WalOptions { SegmentBytes = 16 << 10, FlushScheduler = flush => Process.Post(fsyncLatency, flush) };
        var storage = new NodeStorage(Options, identity, disk, wal);
        services = new ServiceCollection()
            .AddMetrics()
            .AddSingleton(storage)
            .AddSingleton<IRandomSource>(random.Fork())
            .BuildServiceProvider();
        var metrics = new RegionalMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var time = Process.Time;
        var transport = transportFor(this);

        var regional = new ReplicaCore(0, storage, new RegionalTopology(0, Options, identity), metrics, NullLogger<ReplicaCore>.Instance, time, random.Fork())
        {
            DiskWorkOnCallerThread = true,
            Transport = (to, batch) => InRegion(to)?.Post(InRegionLatency(), regional => regional.DeliverAsync(batch)),
        };
        regional.SnapshotStreamer = new Platform.Regional.Transport.SnapshotStreamer(0, Options.SnapshotChunkBytes, (to, chunk) =>
            InRegion(to)?.Call(InRegionLatency(), regional => regional.ReceiveSnapshotChunkAsync(chunk)) ?? Task.FromException<long>(new IOException($"{to} is down")),
            NullLogger.Instance, onCallerThread: true);
        Global = new GlobalReplicas(services, transport, Options, identity, metrics, NullLoggerFactory.Instance, time) { DiskWorkOnCallerThread = true };
        var globalRouter = new GlobalRouter(Global, transport, Options, time);
        Router = new GroupRouter(new OneGroup(regional), new Peers(this), Options, time, chaos: null, global: globalRouter);
        Catalog = new NamespaceCatalog(Router);
        Board = new ReplicationBoard(time);
        Leases = new HomeLeaseKeeper(Router, Catalog, Inter, time, NullLogger<HomeLeaseKeeper>.Instance);
        var replicationMetrics = new ReplicationMetrics(metrics, Catalog, Inter, services);
        var guard = new ReplicationGuard(Leases, Board, Router, Inter, Options, replicationMetrics, time);
        Namespaces = new NamespaceAccess(Router, Catalog, guard);
        var steps = new CatalogSteps(Router, Catalog, time);
        Mover = new NamespaceMover(Router, steps, Board, Inter, time, NullLogger<NamespaceMover>.Instance);
        var replicator = new Replicator(Router, Namespaces, Catalog, transport, Board, replicationMetrics, guard, time, NullLogger<Replicator>.Instance);
        Promotion = new Promotion(Router, Catalog, steps, Namespaces, Leases, transport, time, NullLogger<Promotion>.Instance);
        var peers = new PeerMonitor(transport, Options, time);
        var failover = new AutoFailover(Promotion, Catalog, peers, Inter, time, NullLogger<AutoFailover>.Instance);
        Writes = new KvWriteHandlers(Router, Namespaces, metrics, guard);
        Reads = new KvReadHandlers(Namespaces);
        NamespaceApi = new NamespaceHandlers(Router, Namespaces, peers, Mover);
        Regional = regional;

        Process.Post(TimeSpan.Zero, () =>
        {
            ticker = time.CreateTimer(_ => _ = regional.TickAsync(), null, Options.TickInterval, Options.TickInterval);
            _ = Global.RunAsync(CancellationToken.None);
            _ = Leases.RunAsync(CancellationToken.None);
            _ = replicator.RunAsync(CancellationToken.None);
            _ = peers.RunAsync(CancellationToken.None);
            if (autoFailover)
            {
                _ = failover.RunAsync(CancellationToken.None);
            }
        });
    }

    /// <summary>The process stops at once: queued work and timers are gone, unsynced writes are lost or torn.</summary>
    public void Crash()
    {
        Process.Crash();
        ticker?.Dispose();
        ticker = null;
        Regional = null;
        services?.Dispose();
        services = null;
        disk.Crash(random);
    }

    /// <summary>Runs <paramref name="work"/> on this node as a request that arrived after <paramref name="latency"/>; null when the node is down.</summary>
    public Task<T>? Call<T>(TimeSpan latency, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!Running)
        {
            return null;
        }

        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Process.Post(latency, () => _ = RunAsync(work, answer));
        return answer.Task;
    }

    private static async Task RunAsync<T>(Func<Task<T>> work, TaskCompletionSource<T> answer)
    {
        try
        {
            answer.TrySetResult(await work());
        }
#pragma warning disable CA1031 // Whatever the work threw is the caller's answer.
        catch (Exception failed)
#pragma warning restore CA1031
        {
            answer.TrySetException(failed);
        }
    }

    /// <summary>A node of this region (not this one) that is running; null when it is down or unknown.</summary>
    private SimGlobalNode? InRegion(string node) => node != Options.NodeName && RegionPeer?.Invoke(node) is { Running: true } peer ? peer : null;

    /// <summary>Inside a region messages take a fraction of a millisecond.</summary>
    private TimeSpan InRegionLatency() => random.Between(TimeSpan.FromMicroseconds(100), TimeSpan.FromMicroseconds(900));

    /// <summary>Runs <paramref name="work"/> on this node's regional replica after <paramref name="latency"/>, unanswered if it crashes meanwhile.</summary>
    private void Post(TimeSpan latency, Func<ReplicaCore, Task> work)
    {
        var core = Regional;
        Process.Post(latency, () =>
        {
            if (core is not null && core == Regional)
            {
                _ = work(core);
            }
        });
    }

    /// <summary>Calls this node's regional replica after <paramref name="latency"/>; never answers if it crashes meanwhile.</summary>
    private Task<T> Call<T>(TimeSpan latency, Func<ReplicaCore, Task<T>> work)
    {
        var core = Regional!;
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Process.Post(latency, () => _ = RunAsync(() => core == Regional ? work(core) : throw new NodeNotReadyException("restarted"), answer));
        return answer.Task;
    }

    /// <summary>The node's one regional group (the simulation's regions run one group).</summary>
    private sealed class OneGroup(ReplicaCore core) : ILocalReplicas
    {
        public ReplicaCore Get(ulong group) => group == 0 ? core : throw new ArgumentOutOfRangeException(nameof(group), $"no regional group {group}");
    }

    /// <summary>
    /// How the router reaches the other nodes of its region (proposals and read points forwarded to
    /// the regional leader): refused at once when the peer is down (the call never left); a peer
    /// that crashes with the call never answers, and the router's own timeout decides.
    /// </summary>
    private sealed class Peers(SimGlobalNode self) : IReplicaPeers
    {
        public Task<ProposeReply> ProposeAsync(ulong group, string node, byte[] command) =>
            self.InRegion(node) is { } peer
                ? peer.Call(self.InRegionLatency(), core => core.ProposeAsync(command))
                : Task.FromException<ProposeReply>(new PeerUnreachableException($"{node} cannot be reached from {self.Name}"));

        public Task<ReadIndexReply> ReadIndexAsync(ulong group, string node) =>
            self.InRegion(node) is { } peer
                ? peer.Call(self.InRegionLatency(), core => core.ReadIndexAsync(peer.Options.RequestTimeout))
                : Task.FromException<ReadIndexReply>(new PeerUnreachableException($"{node} cannot be reached from {self.Name}"));
    }
}
