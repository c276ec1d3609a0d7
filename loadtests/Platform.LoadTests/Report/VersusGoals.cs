namespace Platform.LoadTests.Report;

/// <summary>
/// The five goals, judged on the figures of one versus run (and the edge scenario's latest file):
/// write throughput at concurrency 64 at least 1.5x etcd's; write p99 at concurrency 1 no worse than etcd's;
/// serializable reads at least 2x etcd's; cached edge reads at least nginx's; leader-kill write
/// unavailability at most half of etcd's. A missed goal says by how much.
/// </summary>
public static class VersusGoals
{
    public const double WriteThroughputRatioMin = 1.5;
    public const double ReadThroughputRatioMin = 2.0;
    public const double KillRatioMax = 0.5;

    public static IReadOnlyList<GoalVerdict> Judge(IReadOnlyList<VersusPhase> phases, IReadOnlyList<FigureSummary> kills, EdgeComparison? edge)
    {
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(kills);
        var writes64 = phases.FirstOrDefault(p => p.Id == "write-distinct-c64");
        var writes1 = phases.FirstOrDefault(p => p.Id == "write-distinct-c1");
        var serializable = phases.FirstOrDefault(p => p.Id.StartsWith("read-serializable", StringComparison.Ordinal));
        var platformKill = kills.FirstOrDefault(k => k.Figure == VersusReport.Platform);
        var etcdKill = kills.FirstOrDefault(k => k.Figure == VersusReport.Etcd);
        return
        [
            AtLeast("Write throughput at concurrency 64 (distinct keys) at least 1.5x etcd's", writes64?.OpsRatio ?? double.NaN, WriteThroughputRatioMin, "x etcd's ops/s"),
            AtMost("Write p99 at concurrency 1 no worse than etcd's", writes1?.P99Ratio ?? double.NaN, 1.0, "x etcd's p99"),
            AtLeast("Serializable reads at least 2x etcd's", serializable?.OpsRatio ?? double.NaN, ReadThroughputRatioMin, "x etcd's ops/s"),
            EdgeGoal(edge),
            AtMost("Leader-kill write unavailability at most half of etcd's", platformKill is { Runs: > 0 } p && etcdKill is { Runs: > 0 } e && e.Median > 0 ? p.Median / e.Median : double.NaN, KillRatioMax,
                "x etcd's median", platformKill is null || etcdKill is null ? null : Units.Invariant($" (median {platformKill.Median:F2} s vs {etcdKill.Median:F2} s)")),
        ];
    }

    private static GoalVerdict EdgeGoal(EdgeComparison? edge)
    {
        const string Goal = "Cached edge reads at least nginx's (proxy_cache), every connection count";
        if (edge is null || edge.Rows.Count == 0)
        {
            return new GoalVerdict(Goal, "no edge report in results/edge/ (run loadtests/run.sh edge)", null, null);
        }

        var worst = edge.Rows.MinBy(r => r.RatioMedian)!;
        var measured = string.Join("; ", edge.Rows.Select(r => Units.Invariant($"{r.RatioMedian:F2}x nginx at {r.Connections} connections"))) + $" (edge scenario of {edge.Date})";
        return worst.RatioMedian >= 1
            ? new GoalVerdict(Goal, measured, true, null)
            : new GoalVerdict(Goal, measured, false, Units.Invariant($"missed by {(1 - worst.RatioMedian) * 100:F0}% at {worst.Connections} connections"));
    }

    private static GoalVerdict AtLeast(string goal, double ratio, double minimum, string unit) =>
        double.IsNaN(ratio)
            ? new GoalVerdict(goal, "not measured", null, null)
            : new GoalVerdict(goal, Units.Invariant($"{ratio:F2}{unit}"), ratio >= minimum, ratio >= minimum ? null : Units.Invariant($"missed by {(minimum - ratio) / minimum * 100:F0}% ({ratio:F2}x instead of {minimum:F1}x)"));

    private static GoalVerdict AtMost(string goal, double ratio, double maximum, string unit, string? detail = null) =>
        double.IsNaN(ratio)
            ? new GoalVerdict(goal, "not measured", null, null)
            : new GoalVerdict(goal, Units.Invariant($"{ratio:F2}{unit}{detail}"), ratio <= maximum, ratio <= maximum ? null : Units.Invariant($"missed by {(ratio - maximum) / maximum * 100:F0}% ({ratio:F2}x instead of at most {maximum:F1}x)"));
}
