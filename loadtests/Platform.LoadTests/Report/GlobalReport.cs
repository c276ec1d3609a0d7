using System.Text.Json.Serialization;

namespace Platform.LoadTests.Report;

/// <summary>
/// Everything one run of the global scenario measured; written as markdown and as JSON.
/// <see cref="Failure"/> says why it could not be (fully) measured.
/// </summary>
/// <param name="WanRttMs">The round trip <c>--wan-rtt</c> adds to every cross-region call.</param>
/// <param name="GoalMs">The goal for a strong-global write: one WAN round trip plus at most 5 ms; reported against, never asserted.</param>
/// <param name="LeaderRegion">The region of the strong-global group's leader during the writes.</param>
public sealed record GlobalReport(
    MachineInfo Machine,
    RunParameters Parameters,
    bool FullRun,
    string Setup,
    double? ReadySeconds,
    double WanRttMs,
    double GoalMs,
    string StrongNamespace,
    string LocalNamespace,
    long? GlobalGroup,
    string? GlobalLeader,
    string? LeaderRegion,
    long? LocalGroup,
    string? LocalLeader,
    IReadOnlyList<GlobalTarget> Targets,
    IReadOnlyList<MeasuredRoundTrip> MeasuredRoundTrips,
    IReadOnlyDictionary<string, string> RefusalSamples,
    IReadOnlyList<string> Notes,
    string? Failure)
{
    [JsonIgnore]
    public IReadOnlyList<PhaseResult> Phases => [.. Targets.Select(t => t.Phase)];

    /// <summary>A report that could not be measured, or has an error in any sequence, makes the run a failure.</summary>
    [JsonIgnore]
    public bool Failed => Failure is not null || Targets.Count == 0 || Phases.Any(p => p.Errors > 0 || p.WarmupErrors > 0);
}

/// <summary>
/// One measured sequence: a namespace written at one node of one region. <see cref="OverGoal"/> is each
/// figure minus the goal (negative: within it).
/// </summary>
/// <param name="Path">Who commits the write, and across how many WAN round trips it should cost.</param>
public sealed record GlobalTarget(
    string Region,
    string Node,
    string Namespace,
    string Mode,
    string Path,
    PhaseResult Phase,
    LatencyAgainstGoal OverGoal);

/// <summary>Percentiles of a <see cref="Load.LatencySummary"/> minus the goal, in ms; NaN where nothing was measured.</summary>
public sealed record LatencyAgainstGoal(double P50Ms, double P90Ms, double P99Ms, double MaxMs)
{
    public static LatencyAgainstGoal From(Load.LatencySummary latency, double goalMs)
    {
        ArgumentNullException.ThrowIfNull(latency);
        return new LatencyAgainstGoal(latency.P50Ms - goalMs, latency.P90Ms - goalMs, latency.P99Ms - goalMs, latency.MaxMs - goalMs);
    }
}

/// <summary>What one node's <c>/v1/status</c> said of another region: reachable, and the last round trip its pings measured.</summary>
public sealed record MeasuredRoundTrip(string FromRegion, string FromNode, string ToRegion, bool Reachable, double? RttMs);
