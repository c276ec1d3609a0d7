using System.Text;
using Platform.LoadTests.Load;
using Platform.LoadTests.Scenarios;
using static Platform.LoadTests.Report.Units;

namespace Platform.LoadTests.Report;

/// <summary>The replication report as Markdown, with each figure set against the issue's goal.</summary>
public static class ReplicationMarkdown
{
    public static string Render(ReplicationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.AppendLine("# local-commit replication (measured by the load-test harness)").AppendLine();
        text.Append(MachineMarkdown.Render(report.Machine, report.Parameters)).AppendLine();
        if (report.Failure is { } failure)
        {
            text.AppendLine($"**Not measured**: {failure}").AppendLine();
        }

        text.AppendLine("## Setup").AppendLine();
        text.AppendLine($"- Cluster: `{report.Command}` (Release build of the CLI); namespace `{ReplicationScenario.Namespace}`, `local-commit`, home `{ReplicationScenario.Home}`, RPO 5 s (alert). Every node writes its WAL with fdatasync on each commit.");
        text.AppendLine("- Baseline: `platform up --regions solo --nodes 3 --base-port 0`, the same namespace homed in its only region.");
        text.AppendLine("- The lag is also measured on `platform up --regions eu-west,us-east,ap-south --nodes 1 --wan-rtt 80ms`: 3 node processes instead of 9 on the same 2 cores.");
        text.AppendLine("- Latency and lag are taken on the harness's clock (`Stopwatch`), which every process here shares.").AppendLine();

        text.AppendLine("## Write latency at the home (one writer, node-1 of the home, a new key each time)").AppendLine();
        text.AppendLine(Invariant($"After {ReplicationScenario.SequentialWarmup:N0} warm-up writes (not measured) and, in the 3-region cluster, once every other region's copy answers reads at the home's revision. A write at the home costs one commit in its group; each other region's copy then commits it in its own group, on the same two cores and disk here (on separate machines that work is not on the home's path).")).AppendLine();
        text.AppendLine("| cluster | writes | p50 | p90 | p99 | max | mean |").AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        Row(text, "single region, 3 nodes", report.SingleRegionWrites);
        Row(text, $"3 regions x 3 nodes, 80 ms WAN, home {ReplicationScenario.Home}", report.HomeWrites);
        if (report.SingleRegionWrites is { } single && report.HomeWrites is { } home)
        {
            text.AppendLine().AppendLine(Invariant($"Goal: within 10% of a single region's. p50 {home.P50Ms / single.P50Ms * 100 - 100:+0.0;-0.0}% ({(home.P50Ms <= single.P50Ms * 1.1 ? "within" : "**over**")}), p99 {home.P99Ms / single.P99Ms * 100 - 100:+0.0;-0.0}% ({(home.P99Ms <= single.P99Ms * 1.1 ? "within" : "**over**")})."));
        }

        text.AppendLine().AppendLine(Invariant($"## Replication lag under {ReplicationScenario.LagWritesPerSecond:N0} writes/s for {ReplicationScenario.LagPhase.TotalSeconds:0} s")).AppendLine();
        text.AppendLine("From each write's acknowledgement at the home to its event on an SSE watch served by node-1 of the other region from its own copy (so it includes the WAN's one-way 40 ms, the copy's commit in its own group and the watch's delivery).").AppendLine();
        text.AppendLine("| regions x nodes | region | events | p50 | p90 | p99 | max | writes/s achieved | failed writes | events not seen |").AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var lag in report.Lags)
        {
            text.AppendLine(Invariant($"| {lag.Cluster} | {lag.Region} | {Count(lag.Lag.Count)} | {Ms(lag.Lag.P50Ms)} | {Ms(lag.Lag.P90Ms)} | {Ms(lag.Lag.P99Ms)} | {Ms(lag.Lag.MaxMs)} | {lag.WritesPerSecond:N0} | {lag.FailedWrites} | {lag.EventsNotSeen} |"));
        }

        var goal = (ReplicationScenario.WanRoundTrip / 2).TotalMilliseconds + 50;
        text.AppendLine().AppendLine(Invariant($"Goal: p99 under RTT/2 + 50 ms = {goal:0} ms: ") +
            string.Join(", ", report.Lags.Select(l => Invariant($"{l.Cluster} {l.Region} {l.Lag.P99Ms:F2} ms ({(l.Lag.P99Ms < goal ? "within" : "**over**")})"))) + ".");

        text.AppendLine().AppendLine("## Replicator throughput (catch-up of a backlog)").AppendLine();
        text.AppendLine(Invariant($"Each other region in turn is isolated (chaos `isolate?scope=region`: cut off from every region and its clients), {ReplicationScenario.BacklogChanges:N0} changes are written at the home by 32 writers, the region is healed, and the time until its node-1 answers a read at the last revision is taken.")).AppendLine();
        text.AppendLine("| region pair | changes | catch-up time | changes/s |").AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var pair in report.CatchUp)
        {
            text.AppendLine(Invariant($"| {pair.Pair} | {Count(pair.Changes)} | {Seconds(pair.Seconds)} | {PerSecond(pair.ChangesPerSecond, "changes")} |"));
        }

        foreach (var note in report.Notes)
        {
            text.AppendLine().AppendLine($"- {note}");
        }

        text.AppendLine().AppendLine("The same figures are in `replication-report.json`. Produced by `loadtests/run.sh replication`.");
        return text.ToString();
    }

    private static void Row(StringBuilder text, string what, LatencySummary? latency)
    {
        if (latency is { } l)
        {
            text.AppendLine(Invariant($"| {what} | {Count(l.Count)} | {Ms(l.P50Ms)} | {Ms(l.P90Ms)} | {Ms(l.P99Ms)} | {Ms(l.MaxMs)} | {Ms(l.MeanMs)} |"));
        }
        else
        {
            text.AppendLine($"| {what} | n/a | | | | | |");
        }
    }
}
