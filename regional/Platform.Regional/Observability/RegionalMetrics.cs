using System.Diagnostics.Metrics;

namespace Platform.Regional.Observability;

/// <summary>
/// The node's instruments, under the Prometheus names of docs/api.md (Metrics). The exporter
/// adds unit suffixes only when a name lacks them, so the names here already carry them.
/// </summary>
public sealed class RegionalMetrics
{
    public const string MeterName = "Platform.Regional";

    private readonly Meter meter;

    public RegionalMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        meter = meters.Create(MeterName);
        CommitLatency = meter.CreateHistogram<double>("platform_commit_latency", unit: "s",
            description: "Time from receiving a write to its commit being applied, by mode and group.");
        LeaderChanges = meter.CreateCounter<long>("platform_raft_leader_changes", description: "Leaders seen by this node's replicas, counted at each change.");
        Watchers = meter.CreateUpDownCounter<long>("platform_watchers", description: "Open watches served by this node.");
        Requests = meter.CreateHistogram<double>("platform_http_request_duration", unit: "s", description: "API requests by operation and outcome.");
    }

    /// <summary>The node's meter, for the instruments of layers loaded into the node (the global layer's replication metrics).</summary>
    public Meter Meter => meter;

    public Histogram<double> CommitLatency { get; }

    public Counter<long> LeaderChanges { get; }

    public UpDownCounter<long> Watchers { get; }

    public Histogram<double> Requests { get; }

    /// <summary>Registers a callback-read gauge (the term of each group, for example).</summary>
    public void ObserveTerms(Func<IEnumerable<Measurement<long>>> observe) =>
        meter.CreateObservableGauge("platform_raft_term", observe, description: "The current Raft term of each group's replica on this node.");
}
