using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Regional.Hosting;
using Platform.Regional.Observability;
using Platform.Regional.Replicas;

namespace Platform.Regional.Tests.Replicas;

/// <summary>
/// The replicas of one group on three nodes, in this process and without Orleans: each has its own
/// data directory and write-ahead log, their transports call each other directly, and a loop ticks
/// them and lets a replica outside the configuration ask the leader to add it, as the node's
/// <see cref="ReplicaTicker"/> does. A node can be stopped, wiped and started again as a new
/// incarnation, which is what rejoining tests need without the cost of a real cluster.
/// </summary>
public sealed class DirectRegion : IAsyncDisposable
{
    public static readonly string[] Nodes = ["node-1", "node-2", "node-3"];

    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan JoinPeriod = TimeSpan.FromSeconds(1);

    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));
    private readonly ConcurrentDictionary<string, RunningNode> running = new();
    private readonly Dictionary<string, NodeIdentity> identities = [];
    private readonly List<NodeStorage> storages = [];
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly RegionalMetrics metrics;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task ticking;

    private sealed record RunningNode(ReplicaCore Core, NodeStorage Storage);

    public DirectRegion()
    {
        metrics = new RegionalMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        foreach (var node in Nodes)
        {
            identities[node] = Decide(node, regionHasData: false);
            Start(node);
        }

        ticking = Task.Run(TickAsync);
    }

    public static NodeOptions OptionsOf(string node, string dataDirectory) => new()
    {
        Region = "test",
        NodeName = node,
        DataDirectory = Path.Combine(dataDirectory, node),
        RegionNodes = Nodes,
        Groups = 1,
        MinElectionTimeout = TimeSpan.FromMilliseconds(300),
        HeartbeatInterval = TimeSpan.FromMilliseconds(30),
        TickInterval = TickInterval,
    };

    /// <summary>The replica id the node's current data directory holds.</summary>
    public ulong ReplicaIdOf(string node) => identities[node].ReplicaId;

    public ReplicaCore Replica(string node) => running[node].Core;

    /// <summary>Stops the node and wipes its disk; it gets a new incarnation, but runs only once started.</summary>
    public ulong StopAndWipe(string node)
    {
        // The stopped replica's storage stays open until the end: a Ready loop still running on it
        // must not find its log closed (that stops the process).
        running.TryRemove(node, out _);
        Directory.Delete(Path.Combine(dataDirectory, node), recursive: true);
        identities[node] = Decide(node, regionHasData: true);
        return identities[node].ReplicaId;
    }

    public void Start(string node)
    {
        var options = OptionsOf(node, dataDirectory);
        var identity = identities[node];
        var storage = new NodeStorage(options, identity);
        lock (storages)
        {
            storages.Add(storage);
        }

        var core = new ReplicaCore(0, storage, new RegionalTopology(0, options, identity), metrics, NullLogger<ReplicaCore>.Instance);
        core.Transport = (to, batch) =>
        {
            // A stopped replica's messages no longer leave its node.
            if (running.TryGetValue(node, out var self) && self.Core == core && running.TryGetValue(to, out var target))
            {
                _ = Task.Run(() => target.Core.DeliverAsync(batch));
            }
        };
        running[node] = new RunningNode(core, storage);
    }

    /// <summary>The replica that leads at the highest term among the running ones, once there is one.</summary>
    public async Task<ReplicaCore> LeaderAsync(TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            var leader = running.Values.Select(r => r.Core).Where(c => c.Status().Role == "Leader").MaxBy(c => c.Term);
            if (leader is not null)
            {
                return leader;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no leader among {string.Join(',', running.Keys)} within {bound}");
    }

    private NodeIdentity Decide(string node, bool regionHasData)
    {
        var identity = new NodeIdentity(OptionsOf(node, dataDirectory), NullLogger<NodeIdentity>.Instance);
        identity.Decide(regionHasData);
        return identity;
    }

    private async Task TickAsync()
    {
        using var timer = new PeriodicTimer(TickInterval);
        var nextJoinCheck = DateTime.UtcNow;
        while (await timer.WaitForNextTickAsync(stopping.Token).ConfigureAwait(false))
        {
            foreach (var node in running.Values)
            {
                _ = node.Core.TickAsync();
            }

            if (DateTime.UtcNow < nextJoinCheck)
            {
                continue;
            }

            nextJoinCheck = DateTime.UtcNow + JoinPeriod;
            var leader = running.Values.Select(r => r.Core).Where(c => c.Status().Role == "Leader").MaxBy(c => c.Term);
            foreach (var joining in running.Values.Select(r => r.Core).Where(c => c.NeedsToJoin))
            {
                leader?.RequestJoin(joining.Status().ReplicaId);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await ticking;
        }
        catch (OperationCanceledException)
        {
        }

        // Nothing ticks or delivers any more: let the Ready loops in flight finish before the logs close.
        running.Clear();
        await Task.Delay(300);
        foreach (var storage in storages)
        {
            storage.Dispose();
        }

        await services.DisposeAsync();
        stopping.Dispose();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
