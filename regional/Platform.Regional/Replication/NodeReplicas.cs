using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Platform.Regional.Hosting;
using Platform.Regional.Observability;

namespace Platform.Regional.Replication;

/// <summary>The replicas hosted by this node process, one per group, created once and kept for the process's life.</summary>
public sealed class NodeReplicas
{
    private readonly ConcurrentDictionary<ulong, Lazy<ReplicaCore>> replicas = new();
    private readonly NodeStorage storage;
    private readonly RegionalMetrics metrics;
    private readonly ILoggerFactory loggers;

    public NodeReplicas(NodeStorage storage, RegionalMetrics metrics, ILoggerFactory loggers)
    {
        this.storage = storage;
        this.metrics = metrics;
        this.loggers = loggers;
        metrics.ObserveTerms(() => replicas.Values.Where(r => r.IsValueCreated).Select(r => new Measurement<long>(r.Value.Term, new KeyValuePair<string, object?>("group", r.Value.Group))));
    }

    public NodeOptions Options => storage.Options;

    public ReplicaCore Get(ulong group) =>
        replicas.GetOrAdd(group, g => new Lazy<ReplicaCore>(() => new ReplicaCore(g, storage, metrics, loggers.CreateLogger<ReplicaCore>()))).Value;
}
