using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Platform.Global.Transport;
using Platform.Regional.Namespaces;
using Platform.Regional.Observability;
using Platform.Regional.Routing;

namespace Platform.Global.Replication;

/// <summary>
/// The replication metrics of docs/api.md (Metrics): <c>platform_replication_lag_seconds</c> and
/// <c>platform_replication_lag_revisions</c> (labels <c>namespace</c>, <c>region</c>, reported by
/// the home's nodes for every other region's copy), <c>platform_rpo_breaches_total</c> (each
/// time a namespace's best copy goes past its RPO) and <c>platform_replica_divergence</c> (1 while
/// a copy here was found to differ from its home at the same revision).
/// </summary>
public sealed class ReplicationMetrics
{
    private readonly Counter<long> breaches;
    private readonly ConcurrentDictionary<string, bool> breached = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Namespace, string Region), int> diverged = new();

    public ReplicationMetrics(RegionalMetrics metrics, NamespaceCatalog catalog, InterRegionOptions options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        breaches = metrics.Meter.CreateCounter<long>("platform_rpo_breaches", description: "Times a local-commit namespace's most up-to-date copy went past its RPO.");
        // Every other region's copy of every namespace homed here, with the labels its measurements carry.
        IEnumerable<(RegionLag Lag, KeyValuePair<string, object?>[] Tags)> Observe()
        {
            if (services.GetService(typeof(IReplicationGuard)) is not IReplicationGuard guard)
            {
                return [];
            }

            try
            {
                var entries = catalog.Replica.Read(m => m.Catalog.Entries.Where(e => e.Mode == NamespaceMode.LocalCommit && e.HomeRegion == options.Region).ToList());
                return entries.SelectMany(e => guard.Lags(e).Select(l => (l, new KeyValuePair<string, object?>[] { new("namespace", e.Name), new("region", l.Region) })));
            }
            catch (Exception starting) when (starting is InvalidOperationException or Regional.Replicas.NodeNotReadyException)
            {
                return []; // the node is still starting
            }
        }

        metrics.Meter.CreateObservableGauge("platform_replication_lag_seconds",
            () => Observe().Select(o => new Measurement<double>(o.Lag.LagSeconds, o.Tags)),
            description: "How long ago the home committed the oldest change a region's copy has not applied.");
        metrics.Meter.CreateObservableGauge("platform_replication_lag_revisions",
            () => Observe().Select(o => new Measurement<long>(o.Lag.LagRevisions, o.Tags)),
            description: "How many revisions a region's copy is behind the home.");
        metrics.Meter.CreateObservableGauge("platform_replica_divergence",
            () => diverged.Select(d => new Measurement<int>(d.Value, new KeyValuePair<string, object?>("namespace", d.Key.Namespace), new KeyValuePair<string, object?>("region", d.Key.Region))),
            description: "1 while this region's copy of a namespace is found to differ from its home at the same revision (until a fresh snapshot replaced it).");
    }

    /// <summary>Records whether this region's copy of a namespace was found diverged (anti-entropy) or repaired.</summary>
    public void NoteDivergence(string ns, string region, bool isDiverged) => diverged[(ns, region)] = isDiverged ? 1 : 0;

    /// <summary>Counts a breach when a namespace's best copy goes past its RPO (not again until it came back within).</summary>
    public void NoteBreach(string ns, bool isBreached)
    {
        var was = breached.GetValueOrDefault(ns);
        breached[ns] = isBreached;
        if (isBreached && !was)
        {
            breaches.Add(1, new KeyValuePair<string, object?>("namespace", ns));
        }
    }
}
