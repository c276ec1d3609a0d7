using System.Text.Json.Serialization;
using Platform.LoadTests.Load;

namespace Platform.LoadTests.Report;

/// <summary>
/// What loadtests/run.sh versus measured: the platform and etcd under the same loads, on the same machine,
/// in the same run. <see cref="Failures"/> names what could not be measured; the goals are reported, never asserted.
/// </summary>
public sealed record VersusReport(
    MachineInfo Machine,
    VersusParameters Parameters,
    bool IsFullRun,
    IReadOnlyDictionary<string, string> Setups,
    IReadOnlyList<VersusPhase> Phases,
    IReadOnlyList<KillTrial> KillTrials,
    IReadOnlyList<FigureSummary> KillSummaries,
    EdgeComparison? Edge,
    IReadOnlyList<GoalVerdict> Goals,
    IReadOnlyList<string> Notes,
    IReadOnlyList<string> Failures,
    IReadOnlyList<SideScenario>? Others = null)
{
    public const string Platform = "platform";
    public const string Etcd = "etcd";

    /// <summary>Unexpected errors (a CAS conflict is expected and counted apart), or a part not measured, fail the run.</summary>
    [JsonIgnore]
    public bool Failed => Failures.Count > 0 || Phases.Any(p => p.Systems.Any(s => s.Errors > 0 || s.Ok == 0));
}

/// <param name="Group">Which table of the report the phase belongs in ("Writes, distinct keys", ...).</param>
/// <param name="Load">The load in words ("closed loop, 64 workers").</param>
/// <param name="Throughput">False where operations per second mean nothing (watch delivery: the writes are spaced on purpose).</param>
public sealed record VersusPhase(string Id, string Group, string Load, bool Throughput, IReadOnlyList<PhaseSystem> Systems)
{
    public PhaseSystem? Of(string system) => Systems.FirstOrDefault(s => s.System == system);

    /// <summary>Platform / etcd of the median ops/s (NaN when either is missing).</summary>
    public double OpsRatio => Ratio(s => s.OpsMedian);

    /// <summary>Platform / etcd of p99 latency: below 1 is better for the platform.</summary>
    public double P99Ratio => Ratio(s => s.Latency.P99Ms);

    private double Ratio(Func<PhaseSystem, double> figure) =>
        Of(VersusReport.Platform) is { } platform && Of(VersusReport.Etcd) is { } etcd && figure(etcd) > 0
            ? figure(platform) / figure(etcd)
            : double.NaN;
}

/// <summary>
/// One system's figures of a phase over every round: ops/s median and range over the rounds, percentiles
/// of all rounds' latencies together, and the totals of what went wrong.
/// </summary>
public sealed record PhaseSystem(
    string System,
    IReadOnlyList<MeasuredRun> Rounds,
    double OpsMedian,
    double OpsMin,
    double OpsMax,
    HistogramSummary Latency,
    long Ok,
    long Conflicts,
    long Errors,
    long WarmupErrors,
    string? FirstFailure,
    IReadOnlyList<PercentilePoint> Curve,
    double HarnessCpuMicrosecondsPerOp)
{
    public static PhaseSystem Of(string system, IReadOnlyList<MeasuredRun> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        var merged = LatencyHistograms.Create();
        foreach (var histogram in rounds.Select(r => r.Histogram).OfType<HdrHistogram.HistogramBase>())
        {
            merged.Add(histogram);
        }

        var ops = FigureSummary.Of("ops/s", "ops/s", rounds.Select(r => (double?)r.OkPerSecond));
        return new PhaseSystem(
            system,
            rounds,
            ops.Median,
            ops.Min,
            ops.Max,
            HistogramSummary.Of(merged),
            rounds.Sum(r => r.Ok),
            rounds.Sum(r => r.Conflicts),
            rounds.Sum(r => r.Errors + r.Dropped),
            rounds.Sum(r => r.WarmupErrors),
            rounds.Select(r => r.FirstFailure).FirstOrDefault(f => f is not null),
            HistogramSummary.Curve(merged),
            CpuPerOperation(rounds));
    }

    /// <summary>The harness's CPU per answered or failed operation over the rounds that measured it (NaN when none did).</summary>
    private static double CpuPerOperation(IReadOnlyList<MeasuredRun> rounds)
    {
        var measured = rounds.Where(r => r.HarnessCpuSeconds is not null).ToList();
        var operations = measured.Sum(r => r.Ok + r.Conflicts + r.Errors);
        return operations > 0 ? measured.Sum(r => r.HarnessCpuSeconds!.Value) * 1e6 / operations : double.NaN;
    }
}

/// <summary>One leader kill: the time from the SIGKILL to the first acknowledged write sent after it (null: none came).</summary>
public sealed record KillTrial(
    string System,
    int Trial,
    string? Killed,
    double? ResumeAfterSeconds,
    double? LongestGapSeconds,
    IReadOnlyDictionary<string, long> FailuresByOutcome,
    string? Failure);

/// <summary>The edge scenario's latest cached-read figures (results/edge/edge-report.json), with their date.</summary>
public sealed record EdgeComparison(string Date, string Source, IReadOnlyList<EdgeComparisonRow> Rows);

/// <summary>Per connection count, medians over the edge scenario's rounds.</summary>
public sealed record EdgeComparisonRow(int Connections, int Rounds, double EdgeRps, double NginxRps, double RatioMedian, double EdgeP99Ms, double NginxP99Ms);

/// <summary>One of the goals against the figures of this run: <see cref="Met"/> is null when a figure is missing.</summary>
public sealed record GoalVerdict(string Goal, string Measured, bool? Met, string? Shortfall);
