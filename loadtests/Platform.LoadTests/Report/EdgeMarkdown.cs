using System.Text;
using Platform.LoadTests.Load;
using Platform.LoadTests.Scenarios;
using static Platform.LoadTests.Report.Units;

namespace Platform.LoadTests.Report;

/// <summary>The edge report as Markdown, each figure set against the issue's goal or check.</summary>
public static class EdgeMarkdown
{
    private const double Mi = 1024 * 1024;

    public static string Render(EdgeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.AppendLine("# Edge proxy: cached reads, memory, watch fan-out (measured by the load-test harness)").AppendLine();
        text.Append(MachineMarkdown.Render(report.Machine, report.Parameters));
        text.AppendLine("- wrk, nginx and the watchers' client run there too: every figure below shares the same 2 cores with the load that drives it.").AppendLine();
        foreach (var failure in report.Failures)
        {
            text.AppendLine($"**Not measured**: {failure}").AppendLine();
        }

        Setup(text, report);
        CachedReads(text, report);
        KeyMemory(text, report.KeyMemory);
        Watchers(text, report.Watchers);
        EdgeHealth(text, report.Edge);
        foreach (var note in report.Notes)
        {
            text.AppendLine($"- {note}");
        }

        text.AppendLine().AppendLine("The same figures are in `edge-report.json`. Produced by `loadtests/run.sh edge`.");
        return text.ToString();
    }

    private static void Setup(StringBuilder text, EdgeReport report)
    {
        var setup = report.Setup;
        text.AppendLine("## Setup").AppendLine();
        text.AppendLine($"- Cluster: `{report.Command}` (Release build of the CLI): 3 nodes and the region's edge proxy (`platform edge`, its own process, YARP), every namespace `strong-global`.");
        text.AppendLine($"- Comparison: {setup.NginxVersion ?? "nginx (version unknown)"} (Debian), started by the harness in the foreground from a generated config, on 127.0.0.1, in front of node-1: {setup.NginxConfig}.");
        text.AppendLine($"- Load: `{setup.Wrk}` (Debian's wrk), its Lua script setting `Authorization: Bearer <admin token>`; the edge checks the token on every read (from its token cache), nginx passes it on and serves its cache to any caller.");
        text.AppendLine($"- Watchers: {setup.WatcherProtocol}. h2c probe: {setup.H2cProbe}.");
        text.AppendLine($"- Open-file limits (soft): harness {setup.HarnessOpenFiles?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}, edge {setup.EdgeOpenFiles?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}.");
        text.AppendLine(Invariant($"- Memory is the edge process's resident set (VmRSS of the pid in cluster.json; {MiB(setup.EdgeRssAtStartBytes / Mi)} once the platform was ready, before any request), read after a settle of a few seconds; the edge's GC decides when freed memory goes back, so small differences are noise.")).AppendLine();
    }

    private static void CachedReads(StringBuilder text, EdgeReport report)
    {
        text.AppendLine("## 1. Cached reads of one key: edge against nginx proxy_cache").AppendLine();
        var seconds = report.Parameters.Seconds;
        var rounds = report.CachedReads.Select(r => r.Round).DefaultIfEmpty(1).Max();
        text.AppendLine(Invariant($"One key of {report.ReadChecks?.ValueBytes ?? report.Parameters.ValueBytes} bytes, read by wrk for {seconds:0} s per run after a {Math.Max(1, report.Parameters.WarmupSeconds):0} s warm-up of each at 64 connections; in each of {rounds} round(s) the runs alternate edge, nginx at each connection count.")).AppendLine();
        text.AppendLine("| round | connections | proxy | requests/s | p50 | p90 | p99 | max | bytes/answer | errors (status / socket) |").AppendLine("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var row in report.CachedReads)
        {
            WrkRow(text, row.Round, row.Connections, "edge", row.Edge);
            WrkRow(text, row.Round, row.Connections, "nginx", row.Nginx);
        }

        if (report.CachedReads.Count > 0)
        {
            text.AppendLine().AppendLine("Goal: edge cached reads at least as fast as nginx proxy_cache (judged on the median ratio over the rounds).").AppendLine();
            text.AppendLine("| connections | requests/s edge / nginx, median (each round) | p50 edge / nginx, median | p99 edge / nginx, median | CPU per request edge / nginx, median | goal (requests/s) |").AppendLine("| ---: | ---: | ---: | ---: | ---: | --- |");
            foreach (var group in report.CachedReads.GroupBy(r => r.Connections))
            {
                var ratio = Median(group.Select(r => r.RequestsRatio));
                var each = string.Join(", ", group.Select(r => Invariant($"{r.RequestsRatio:F2}")));
                var met = ratio >= 1 ? "met" : "**not met**";
                text.AppendLine(Invariant($"| {group.Key:N0} | {ratio:F2} ({each}) | {Median(group.Select(r => (r.Edge?.P50Ms ?? double.NaN) / (r.Nginx?.P50Ms ?? double.NaN))):F2} | {Median(group.Select(r => (r.Edge?.P99Ms ?? double.NaN) / (r.Nginx?.P99Ms ?? double.NaN))):F2} | {Median(group.Select(r => r.EdgeCpuMicrosecondsPerRequest)):F1} us / {Median(group.Select(r => r.NginxCpuMicrosecondsPerRequest)):F1} us | {(double.IsNaN(ratio) ? "n/a" : met)} |"));
            }

            text.AppendLine().AppendLine("CPU per request is each proxy's own CPU time during its run (the edge process; nginx's master and workers) over the requests wrk counted: it does not include wrk's, and moves less than requests/s when other work shares the cores.");
        }

        if (report.ReadChecks is { } checks)
        {
            text.AppendLine().AppendLine("The edge's own account (`/metrics`, read before the first read, after it and after the last run):").AppendLine();
            text.AppendLine($"- First read through the edge: `X-Config-Cache: {checks.FirstAnswer ?? "(none)"}`; after every run: `{checks.LastAnswer ?? "(none)"}`. nginx after every run: `X-Cache-Status: {checks.NginxLastAnswer ?? "(none)"}`.");
            text.AppendLine(Invariant($"- `platform_edge_upstream_requests_total{{kind=\"fetch\"}}`: {checks.FetchesBefore} before, {checks.FetchesAfterFirstRead} after the first read, {checks.FetchesAfterRuns} after the runs: the key was fetched from the region **{checks.FetchesForKey}** time(s) (check: 1, {(checks.FetchesForKey == 1 ? "passed" : "**failed**")})."));
            text.AppendLine(Invariant($"- `platform_edge_requests_total{{cache=\"hit\"}}` grew by {Count(checks.HitsDuringRuns)} during the runs, for {Count(checks.WrkRequestsAtEdge)} answers wrk counted (the difference: requests in flight when wrk stopped, and the checks' reads); misses grew by {checks.MissesDuringRuns}."));
        }

        text.AppendLine();
    }

    /// <summary>The median of the numbers that are numbers; NaN when none is.</summary>
    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static void WrkRow(StringBuilder text, int round, int connections, string proxy, WrkFigures? figures)
    {
        if (figures is { } f)
        {
            text.AppendLine(Invariant($"| {round} | {connections:N0} | {proxy} | {PerSecond(f.RequestsPerSecond, "req")} | {Ms(f.P50Ms)} | {Ms(f.P90Ms)} | {Ms(f.P99Ms)} | {Ms(f.MaxMs)} | {f.BytesPerRequest:F0} | {f.StatusErrors} / {f.SocketErrors} |"));
        }
        else
        {
            text.AppendLine(Invariant($"| {round} | {connections:N0} | {proxy} | n/a | | | | | | |"));
        }
    }

    private static void KeyMemory(StringBuilder text, KeyMemoryFigures? keys)
    {
        text.AppendLine("## 2. Memory per cached key").AppendLine();
        if (keys is null)
        {
            text.AppendLine("Not measured.").AppendLine();
            return;
        }

        text.AppendLine(Invariant($"{Count(keys.Keys)} distinct keys of {keys.ValueBytes} bytes written at node-1 before the edge had touched their namespace, then each read once through the edge, in namespace `{EdgeScenario.KeysNamespace}` (so no key reached the edge through its watch: each entry came from a miss and its fetch)."));
        text.AppendLine().AppendLine("| figure | value |").AppendLine("| --- | ---: |");
        text.AppendLine(Invariant($"| writes at node-1 (64 writers) | {Seconds(keys.WriteSeconds)}, {keys.WriteErrors} failed |"));
        text.AppendLine(Invariant($"| first reads through the edge (16 readers) | {Seconds(keys.ReadSeconds)}; {string.Join(", ", keys.FirstPass.Select(p => $"{p.Key} {Count(p.Value)}"))}; {keys.ReadErrors} failed |"));
        text.AppendLine(Invariant($"| 429 answers (the edge's per-token rate toward the region, 1,000/s), retried | {Count(keys.Refused)} |"));
        text.AppendLine(Invariant($"| upstream fetches during those reads | {Count(keys.FetchesDuringReads)} |"));
        text.AppendLine(Invariant($"| edge RSS before (after {keys.SettleSeconds:0} s) | {MiB(keys.RssBeforeBytes / Mi)} |"));
        text.AppendLine(Invariant($"| edge RSS after (after {keys.SettleSeconds:0} s) | {MiB(keys.RssAfterBytes / Mi)} |"));
        text.AppendLine(Invariant($"| **bytes per cached key** | **{keys.BytesPerKey:N0}** |"));
        text.AppendLine(Invariant($"| second read of every key answered hit | {Count(keys.SecondPassHits)} of {Count(keys.Keys)} |"));
        text.AppendLine();
    }

    private static void Watchers(StringBuilder text, WatcherFigures? w)
    {
        text.AppendLine("## 3. Downstream SSE watchers of one namespace").AppendLine();
        if (w is null)
        {
            text.AppendLine("Not measured.").AppendLine();
            return;
        }

        var added = (w.RssAfterBytes - w.RssBeforeBytes) / Mi;
        var total = w.RssAfterBytes / Mi;
        text.AppendLine(Invariant($"{Count(w.Requested)} watches of `{EdgeScenario.WatchNamespace}` (not touched at the edge before), opened through the edge {200} at a time; then {w.Writes} writes at node-1, {w.WriteSpacingMs:0} ms apart, each a new key whose value carries its send time.")).AppendLine();
        text.AppendLine("| figure | value |").AppendLine("| --- | ---: |");
        text.AppendLine(Invariant($"| watches answered 200 | {Count(w.Opened)} of {Count(w.Requested)}, in {Seconds(w.OpenSeconds)} |"));
        text.AppendLine(Invariant($"| `platform_watchers` seen | {Count(w.GaugeSeen)}, {Seconds(w.GaugeSeconds)} after the first open |"));
        text.AppendLine(Invariant($"| edge RSS before / with the watchers (after {w.SettleSeconds:0} s) | {MiB(w.RssBeforeBytes / Mi)} / {MiB(total)} |"));
        text.AppendLine(Invariant($"| **bytes per watcher** | **{w.BytesPerWatcher:N0}** |"));
        text.AppendLine(Invariant($"| edge CPU while idle ({w.SettleSeconds:0} s, no writes), without / with the watchers | {w.EdgeIdleCpuWithoutPercent:F1}% / {w.EdgeIdleCpuWithPercent:F1}% of one core |"));
        text.AppendLine(Invariant($"| CPU from the first write until every event had arrived ({Seconds(w.DeliveryWindowSeconds)}): edge / watchers' client | {Seconds(w.EdgeCpuSecondsDuringWrites)} ({w.EdgeCpuMicrosecondsPerEvent:F1} us per event delivered) / {Seconds(w.HarnessCpuSecondsDuringWrites)} |"));
        text.AppendLine(Invariant($"| `platform_edge_upstream_requests_total{{kind=\"watch\"}}` before / after opening / after the writes | {w.UpstreamWatchesBefore} / {w.UpstreamWatchesAfterOpen} / {w.UpstreamWatchesAfterWrites} (check: +1, {(w.UpstreamWatchesOpened == 1 ? "passed" : "**failed**")}) |"));
        text.AppendLine(Invariant($"| events expected / seen / **missed** | {Count(w.EventsExpected)} / {Count(w.EventsSeen)} / **{Count(w.EventsMissed)}** (check: 0, {(w.EventsMissed == 0 && w.EventsExpected > 0 ? "passed" : "**failed**")}) |"));
        text.AppendLine(Invariant($"| writes that failed | {w.WriteErrors} |"));
        text.AppendLine(Invariant($"| watchers whose stream ended early | {w.WatchersEnded}{(w.FirstWatcherFailure is { } why ? $" (first: {why})" : string.Empty)} |"));
        text.AppendLine(Invariant($"| `platform_watchers` after closing them | {w.GaugeAfterClose}, {Seconds(w.CloseSeconds)} after closing |"));
        text.AppendLine(Invariant($"| edge RSS {w.SettleSeconds:0} s after that | {MiB(w.RssAfterCloseBytes / Mi)} |"));

        text.AppendLine().AppendLine(Invariant($"Goal: 10,000 watchers under {EdgeScenario.WatcherGoalMiB:0} MiB. The watchers added {MiB(added)} ({(added < EdgeScenario.WatcherGoalMiB ? "within" : "**over**")}{(w.Opened < 10_000 ? Invariant($"; {w.Opened:N0} watchers, not 10,000: a trial") : string.Empty)}); the whole edge process held {MiB(total)} with them ({(total < EdgeScenario.WatcherGoalMiB ? "within" : "**over**")}; it also holds the {EdgeScenario.KeysNamespace} keys cached before)."));

        text.AppendLine().AppendLine("Delivery latency, over every watcher and write (an event's arrival at the watcher minus the write's acknowledgement at node-1, or its sending):").AppendLine();
        text.AppendLine("| from | events | p50 | p90 | p99 | max | mean |").AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        Latency(text, "acknowledgement", w.FromAck);
        Latency(text, "send", w.FromSend);
        Latency(text, "acknowledgement, one watch at node-1 itself (no edge)", w.NodeWatchFromAck);
        text.AppendLine().AppendLine(Invariant($"{Count(w.ArrivedBeforeAck)} events reached their watcher before the write's answer reached the writer (counted as 0 ms from the acknowledgement). The last watcher to get an event waits for the edge to write the frame to every other connection first, and for this process to read them all, on the same 2 cores."));
        text.AppendLine();
    }

    private static void Latency(StringBuilder text, string from, LatencySummary l) =>
        text.AppendLine(Invariant($"| {from} | {Count(l.Count)} | {Ms(l.P50Ms)} | {Ms(l.P90Ms)} | {Ms(l.P99Ms)} | {Ms(l.MaxMs)} | {Ms(l.MeanMs)} |"));

    private static void EdgeHealth(StringBuilder text, EdgeProcessHealth? edge)
    {
        text.AppendLine("## The edge process").AppendLine();
        if (edge is null)
        {
            text.AppendLine("Not looked at.").AppendLine();
            return;
        }

        text.AppendLine(Invariant($"- pid {edge.Pid}, {(edge.AliveAtEnd ? "alive" : "**gone**")} at the end of the run, RSS {MiB(edge.RssBytes / Mi)}."));
        text.AppendLine(Invariant($"- edge.log: {edge.LogLines} lines, {edge.LogProblems} at warn level or above{(edge.LogSamples.Count > 0 ? "; the first distinct ones:" : ".")}"));
        foreach (var sample in edge.LogSamples)
        {
            text.AppendLine($"  - `{sample.Replace('`', '\'')}`");
        }

        text.AppendLine();
    }
}
