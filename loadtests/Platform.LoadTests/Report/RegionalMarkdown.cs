using System.Text;

namespace Platform.LoadTests.Report;

/// <summary>The regional report as markdown: setup, one table for (a) to (d), then (e), (f), errors and notes.</summary>
public static class RegionalMarkdown
{
    public static string Render(RegionalReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.Append("# Regional service load test\n\n");
        md.Append(MachineMarkdown.Render(report.Machine, report.Parameters)).Append('\n');

        md.Append("## Setup\n\n");
        md.Append($"- Cluster: `{report.Setup}` (Release build of the CLI, run as `dotnet platform.dll`), ready after {Units.Seconds(report.RegionReadySeconds)}; every node writes its WAL with fdatasync on each commit (the nodes have no other mode).\n");
        md.Append($"- Namespace `{report.Namespace}`: `local-commit`, home region `eu-west`, in group {report.Group}, whose leader was {report.Leader} once leadership had stayed unchanged for 5 s.\n");
        md.Append($"- Parameters: {MachineMarkdown.Describe(report.Parameters)}; values of {report.Parameters.ValueBytes} bytes; the read phases read {report.Parameters.ReadKeys} keys written beforehand.\n");
        md.Append("- Client: closed loops (each sends its next request once the previous answer is read) over one `HttpClient` with `SocketsHttpHandler`, HTTP/1.1, persistent connections (up to ");
        md.Append($"{Math.Max(64, report.Parameters.Concurrency)} per node), admin bearer token.\n");
        md.Append("- Latency: from sending a request to having read its whole answer (`Stopwatch`); every successful request is recorded and the percentiles are exact (nearest rank over the sorted sample). Rates count successful requests over the wall-clock time from the first request to the last answer.\n");
        md.Append("- Errors: answers other than 2xx, and requests with no answer (status 0); they are counted, not in the latencies.\n\n");

        md.Append("## (a) to (d): latency and throughput\n\n");
        md.Append("| | phase | operation | concurrency | sent to | duration | requests | rate | p50 | p90 | p99 | max | errors |\n");
        md.Append("| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var phase in report.Phases)
        {
            md.Append($"| {phase.Id} | {phase.Title} | {phase.Operation} | {phase.Concurrency} | {phase.Targets} | {Units.Seconds(phase.Seconds)} | {Units.Count(phase.Succeeded)} | {Units.PerSecond(phase.PerSecond, "req")} | {Units.Ms(phase.Latency.P50Ms)} | {Units.Ms(phase.Latency.P90Ms)} | {Units.Ms(phase.Latency.P99Ms)} | {Units.Ms(phase.Latency.MaxMs)} | {Units.Count(phase.Errors)} |\n");
        }

        md.Append('\n');
        var leader = report.Phases.FirstOrDefault(p => p.Id == "a-leader");
        var follower = report.Phases.FirstOrDefault(p => p.Id == "a-follower");
        if (leader is not null && follower is not null && leader.Latency.Count > 0 && follower.Latency.Count > 0)
        {
            md.Append(Units.Invariant($"Forwarding cost (a-follower minus a-leader): {follower.Latency.P50Ms - leader.Latency.P50Ms:F2} ms at p50, {follower.Latency.P99Ms - leader.Latency.P99Ms:F2} ms at p99.\n\n"));
        }

        if (report.Up is { } up)
        {
            md.Append("## (e) `platform up`, 3 regions x 3 nodes\n\n");
            md.Append(UpMarkdown.RenderFigures(up)).Append('\n');
        }

        if (report.Failover is { } failover)
        {
            md.Append("## (f) Leader failover under write load\n\n");
            md.Append(FailoverMarkdown.RenderFigures(failover)).Append('\n');
        }

        ErrorsMarkdown.Append(md, report.Phases, report.RefusalSamples);
        var notes = report.Notes.Concat(report.Phases.Where(p => p.Note is not null).Select(p => $"({p.Id}) {p.Note}")).ToList();
        if (notes.Count > 0)
        {
            md.Append("## Notes\n\n");
            foreach (var note in notes)
            {
                md.Append($"- {note}\n");
            }

            md.Append('\n');
        }

        md.Append("The same figures are in `regional-report.json`. Produced by `loadtests/run.sh regional`.\n");
        return md.ToString();
    }
}
