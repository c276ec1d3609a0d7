using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Regional.Hosting;
using Platform.Regional.Observability;

namespace Platform.Regional.Replicas;

/// <summary>
/// The replicas hosted by this node process, one per group, created once and kept for the process's
/// life. None exists before the node's identity is settled: the disk is not even opened until then,
/// so a request arriving early cannot make a fresh directory look like one with data.
/// </summary>
public sealed class NodeReplicas : ILocalReplicas
{
    private readonly ConcurrentDictionary<ulong, Lazy<ReplicaCore>> replicas = new();
    private readonly IServiceProvider services;
    private readonly NodeIdentity identity;
    private readonly RegionalMetrics metrics;
    private readonly ILoggerFactory loggers;

    private readonly IGrainFactory grains;

    public NodeReplicas(IServiceProvider services, IGrainFactory grains, NodeOptions options, NodeIdentity identity, RegionalMetrics metrics, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        this.services = services;
        this.grains = grains;
        this.identity = identity;
        this.metrics = metrics;
        this.loggers = loggers;
        Options = options;
        metrics.ObserveTerms(() => replicas.Values.Where(r => r.IsValueCreated).Select(r => new Measurement<long>(r.Value.Term, new KeyValuePair<string, object?>("group", r.Value.Group))));
    }

    public NodeOptions Options { get; }

    /// <summary>True once the node knows its replica id and its replicas may run.</summary>
    public bool IsReady => identity.IsDecided;

    public ReplicaCore Get(ulong group)
    {
        if (!identity.IsDecided)
        {
            throw new NodeNotReadyException($"node {Options.NodeName} is still settling its replica identity with its peers");
        }

        return replicas.GetOrAdd(group, g => new Lazy<ReplicaCore>(() => Create(g))).Value;
    }

    /// <summary>A replica with its transport: one-way calls to the group's replica grain on each destination node.</summary>
    private ReplicaCore Create(ulong group)
    {
        var core = new ReplicaCore(group, services.GetRequiredService<NodeStorage>(), new RegionalTopology(group, Options, identity), metrics, loggers.CreateLogger<ReplicaCore>());
        var chaos = services.GetService<Chaos.ChaosState>();
        if (chaos is { Enabled: true })
        {
            core.Reachable = chaos.CanReachNode;
        }

        core.Transport = (node, batch) => grains.GetGrain<IReplicaGrain>(services.GetRequiredService<Placement.NodeAddresses>().Replica(group, node)).Deliver(batch).Ignore();
        core.SnapshotStreamer = new Transport.SnapshotStreamer(group, Options.SnapshotChunkBytes,
            (node, chunk) => grains.GetGrain<IReplicaGrain>(services.GetRequiredService<Placement.NodeAddresses>().Replica(group, node)).ReceiveSnapshotChunk(chunk), loggers.CreateLogger<Transport.SnapshotStreamer>());
        return core;
    }
}

/// <summary>The node cannot serve yet (it is starting); a retry later will succeed.</summary>
public sealed class NodeNotReadyException(string message) : Exception(message);
