using System.Globalization;
using System.Text;

namespace Platform.LoadTests.Report;

/// <summary>
/// The dated versus report, loadtests/results/&lt;yyyy-MM-dd&gt;.md: the machine, the goals, then a table per
/// scenario with each system's ops/s (median and range over the rounds) and percentiles, and platform/etcd
/// ratios measured in the same run; every phase links its latency chart.
/// </summary>
public static class VersusMarkdown
{
    public static string Render(VersusReport report, string chartDirectory)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        var machine = report.Machine;
        md.Append("# Versus: the platform against etcd, same machine, same run\n\n");
        md.Append(Units.Invariant($"- Machine: {machine.Cores} cores, {machine.Os} ({machine.Architecture}), {machine.Runtime}\n"));
        md.Append(Units.Invariant($"- Date: {machine.Date.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; commit {machine.Commit ?? "unknown (git could not tell)"}\n"));
        md.Append(Units.Invariant($"- Load average (1, 5, 15 min) when the run started: {machine.LoadAverageAtStart ?? "unknown"}\n"));
        md.Append("- The load generator and both systems run on this same machine and share its cores; each system runs alone while it is measured.\n");
        foreach (var (system, setup) in report.Setups)
        {
            md.Append(Units.Invariant($"- {system}: {setup}\n"));
        }

        var p = report.Parameters;
        md.Append(Units.Invariant($"- Each fresh cluster: {p.ClusterWarmupSeconds} s of writes and reads by 16 workers before its first phase (not recorded: the platform's JIT reaches its optimized code over the first seconds of load; etcd is compiled ahead of time). Leader kills: every write gives up after 250 ms and the writer sends the next, for both systems.\n"));
        md.Append(Units.Invariant($"- Each phase: {p.WarmupSeconds} s of warm-up (not recorded), then {p.Seconds} s measured; {p.Rounds} round(s) per system, the systems alternating; values of {p.ValueBytes} bytes; latencies in HdrHistogram (3 significant digits), percentiles over every round's operations.\n"));
        if (!report.IsFullRun)
        {
            md.Append("- **Not a full run**: the parameters differ from the defaults; a trial, not figures to compare.\n");
        }

        md.Append("- Harness CPU per op: what the load generator itself spent per operation (its client: HTTP/1.1 for the platform, gRPC for etcd); it shares the two cores with the system measured.\n");
        md.Append('\n');
        AppendGoals(md, report.Goals);
        foreach (var group in report.Phases.GroupBy(phase => phase.Group))
        {
            AppendGroup(md, group.Key, [.. group], chartDirectory);
        }

        AppendKills(md, report);
        AppendEdge(md, report.Edge);
        AppendOthers(md, report.Others ?? []);
        AppendList(md, "Notes", report.Notes);
        AppendList(md, "Failures", report.Failures);
        return md.ToString();
    }

    private static void AppendGoals(StringBuilder md, IReadOnlyList<GoalVerdict> goals)
    {
        md.Append("## Goals\n\n| goal | measured | verdict |\n| --- | --- | --- |\n");
        foreach (var goal in goals)
        {
            var verdict = goal.Met switch
            {
                true => "met",
                false => $"**missed**: {goal.Shortfall}",
                null => "not judged",
            };
            md.Append($"| {goal.Goal} | {goal.Measured} | {verdict} |\n");
        }

        md.Append('\n');
    }

    private static void AppendGroup(StringBuilder md, string title, IReadOnlyList<VersusPhase> phases, string chartDirectory)
    {
        md.Append($"## {title}\n\n");
        var conflicts = phases.Any(phase => phase.Systems.Any(s => s.Conflicts > 0));
        md.Append($"| load | system | ops/s median (min-max) | p50 | p99 | p99.9 | errors |{(conflicts ? " CAS conflicts |" : string.Empty)} harness CPU per op | platform/etcd | chart |\n");
        md.Append($"| --- | --- | ---: | ---: | ---: | ---: | ---: |{(conflicts ? " ---: |" : string.Empty)} ---: | --- | --- |\n");
        foreach (var phase in phases)
        {
            foreach (var system in phase.Systems)
            {
                var ops = phase.Throughput
                    ? Units.Invariant($"{system.OpsMedian:N0} ({system.OpsMin:N0}-{system.OpsMax:N0})")
                    : "n/a";
                var ratio = system.System == VersusReport.Platform ? RatioText(phase) : string.Empty;
                var chart = system.System == VersusReport.Platform ? $"[svg]({chartDirectory}/{phase.Id}.svg)" : string.Empty;
                md.Append($"| {phase.Load} | {system.System} | {ops} | {Units.Ms(system.Latency.P50Ms)} | {Units.Ms(system.Latency.P99Ms)} | {Units.Ms(system.Latency.P999Ms)} | {Units.Count(system.Errors)} |{(conflicts ? $" {Units.Count(system.Conflicts)} |" : string.Empty)} {CpuText(system.HarnessCpuMicrosecondsPerOp)} | {ratio} | {chart} |\n");
            }
        }

        md.Append('\n');
        foreach (var phase in phases)
        {
            foreach (var system in phase.Systems.Where(s => s.FirstFailure is not null))
            {
                md.Append($"- {phase.Load}, {system.System}: {Units.Count(system.Errors)} error(s), {Units.Count(system.WarmupErrors)} in warm-up; first: `{system.FirstFailure!.ReplaceLineEndings(" ").Replace('`', '\'')}`\n");
            }
        }

        md.Append('\n');
    }

    private static string CpuText(double microseconds) => double.IsNaN(microseconds) ? "n/a" : Units.Invariant($"{microseconds:F0} us");

    private static string RatioText(VersusPhase phase)
    {
        var parts = new List<string>();
        if (phase.Throughput && !double.IsNaN(phase.OpsRatio))
        {
            parts.Add(Units.Invariant($"{phase.OpsRatio:F2}x ops/s"));
        }

        if (!double.IsNaN(phase.P99Ratio))
        {
            parts.Add(Units.Invariant($"{phase.P99Ratio:F2}x p99"));
        }

        return parts.Count == 0 ? "n/a" : string.Join(", ", parts);
    }

    private static void AppendKills(StringBuilder md, VersusReport report)
    {
        md.Append("## Leader kill: write unavailability\n\n");
        md.Append(Units.Invariant($"SIGKILL of the leader (the platform: of the written namespace's group) under {report.Parameters.KillWriters} closed-loop writers writing through the two other members, each trial on a fresh cluster; the figure is the time from the kill to the first acknowledged write sent after it.\n\n"));
        md.Append("| system | trials | median | min | max |\n| --- | ---: | ---: | ---: | ---: |\n");
        foreach (var summary in report.KillSummaries)
        {
            md.Append($"| {summary.Figure} | {summary.Runs} | {Units.Seconds(summary.Median)} | {Units.Seconds(summary.Min)} | {Units.Seconds(summary.Max)} |\n");
        }

        md.Append('\n');
        foreach (var trial in report.KillTrials)
        {
            var failures = trial.FailuresByOutcome.Count == 0 ? "none" : string.Join(", ", trial.FailuresByOutcome.Select(f => $"{f.Key}: {f.Value}"));
            md.Append(Units.Invariant($"- {trial.System} trial {trial.Trial}: killed {trial.Killed ?? "nothing"}; writes resumed after {Units.Seconds(trial.ResumeAfterSeconds)}, longest gap {Units.Seconds(trial.LongestGapSeconds)}; failed writes: {failures}{(trial.Failure is null ? string.Empty : "; " + trial.Failure)}\n"));
        }

        md.Append('\n');
    }

    private static void AppendEdge(StringBuilder md, EdgeComparison? edge)
    {
        md.Append("## Cached reads: the edge against nginx proxy_cache\n\n");
        if (edge is null)
        {
            md.Append("No edge report in results/edge/: run `loadtests/run.sh edge`.\n\n");
            return;
        }

        md.Append(Units.Invariant($"From the edge scenario's latest report ({edge.Source}, measured {edge.Date}, not in this run): wrk -t2 against one cached key, medians over its rounds.\n\n"));
        md.Append("| connections | rounds | edge req/s | nginx req/s | edge/nginx | edge p99 | nginx p99 |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var row in edge.Rows)
        {
            md.Append(Units.Invariant($"| {row.Connections} | {row.Rounds} | {row.EdgeRps:N0} | {row.NginxRps:N0} | {row.RatioMedian:F2} | {Units.Ms(row.EdgeP99Ms)} | {Units.Ms(row.NginxP99Ms)} |\n"));
        }

        md.Append('\n');
    }

    private static void AppendOthers(StringBuilder md, IReadOnlyList<SideScenario> others)
    {
        foreach (var other in others)
        {
            md.Append(Units.Invariant($"## {other.Title}\n\nFrom its scenario's latest report ({other.Source}, measured {other.Date}, not in this run).\n\n| what | figure |\n| --- | --- |\n"));
            foreach (var figure in other.Figures)
            {
                md.Append($"| {figure.What} | {figure.Figure} |\n");
            }

            md.Append('\n');
        }
    }

    private static void AppendList(StringBuilder md, string title, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        md.Append($"## {title}\n\n");
        foreach (var item in items)
        {
            md.Append($"- {item}\n");
        }

        md.Append('\n');
    }
}
