using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Platform.Regional.Replication;

/// <summary>The replicas hosted by this node process, one per group, created once and kept for the process's life.</summary>
public sealed class NodeReplicas(NodeStorage storage, ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<ulong, Lazy<ReplicaCore>> replicas = new();

    public ReplicaCore Get(ulong group) =>
        replicas.GetOrAdd(group, g => new Lazy<ReplicaCore>(() => new ReplicaCore(g, storage, loggers.CreateLogger<ReplicaCore>()))).Value;
}
