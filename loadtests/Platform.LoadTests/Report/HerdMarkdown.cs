using System.Text;
using static Platform.LoadTests.Report.Units;

namespace Platform.LoadTests.Report;

/// <summary>The cold-start herd report as Markdown: every round, then the medians side by side.</summary>
public static class HerdMarkdown
{
    public static string Render(HerdReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.AppendLine("# Cold-start herd through the edge (measured by the load-test harness)").AppendLine();
        text.Append(MachineMarkdown.Render(report.Machine, report.Parameters)).AppendLine();
        foreach (var failure in report.Failures)
        {
            text.AppendLine($"**Not measured**: {failure}").AppendLine();
        }

        var clients = report.Rows.Select(r => r.Clients).DefaultIfEmpty(report.Parameters.HerdClients).First();
        var keys = report.Rows.Select(r => r.KeysPerClient).DefaultIfEmpty(Scenarios.HerdScenario.KeysPerClient).First();
        text.AppendLine(Invariant($"- Cluster: `{report.Command}` (Release build of the CLI): 3 nodes and the region's edge proxy, namespaces `strong-global`."));
        text.AppendLine(Invariant($"- Fleet: {clients:N0} clients released at once, each on its own HTTP/1.1 connection, each reading {keys} keys of {Scenarios.HerdScenario.ValueBytes} bytes in turn from a namespace nobody has read before (a fresh one per run); a 429 or 503 is tried again after its Retry-After (else 0.5-1.5 s), at most {Load.HerdRun.Attempts} tries."));
        text.AppendLine("- `edge`: every client reads through the region's edge proxy (its default, cached reads). `nodes`: the clients are spread over the 3 nodes and read `?consistency=serializable` (the nodes' cheapest read, no edge).");
        text.AppendLine("- Times run from the release of the fleet to the moment a client has all its keys; `all` is the last client. Region reads: what reached the nodes (the edge's own upstream fetch counter; every request without it).").AppendLine();
        text.AppendLine("| round | target | configured | failed | requests | retries | region reads | p50 | p99 | p99.9 | all | answers |");
        text.AppendLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var row in report.Rows)
        {
            text.AppendLine(Invariant($"| {row.Round} | {row.Target} | {row.Configured:N0} | {row.FailedClients} | {row.Requests:N0} | {row.Retries:N0} | {row.RegionReads:N0} | {Ms(row.P50Ms)} | {Ms(row.P99Ms)} | {Ms(row.P999Ms)} | {Ms(row.AllConfiguredMs)} | {string.Join(", ", row.Statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value:N0}"))} |"));
        }

        var edge = Median(report.Rows.Where(r => r.Target == Scenarios.HerdScenario.EdgeTarget).Select(r => r.AllConfiguredMs));
        var nodes = Median(report.Rows.Where(r => r.Target == Scenarios.HerdScenario.NodesTarget).Select(r => r.AllConfiguredMs));
        if (!double.IsNaN(edge) && !double.IsNaN(nodes))
        {
            text.AppendLine().AppendLine(Invariant($"Median over the rounds, whole fleet configured: **edge {Ms(edge)}**, nodes {Ms(nodes)} ({nodes / edge:F2}x the edge's time); region reads per run: edge {Median(report.Rows.Where(r => r.Target == Scenarios.HerdScenario.EdgeTarget).Select(r => (double)r.RegionReads)):N0}, nodes {Median(report.Rows.Where(r => r.Target == Scenarios.HerdScenario.NodesTarget).Select(r => (double)r.RegionReads)):N0}."));
        }

        text.AppendLine().AppendLine("The same figures are in `herd-report.json`. Produced by `loadtests/run.sh herd`.");
        return text.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
