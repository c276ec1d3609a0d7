using System.Text;
using Platform.LoadTests.Load;

namespace Platform.LoadTests.Report;

/// <summary>
/// The leader-failover report (loadtests/results/failover/failover-report.md), and its figures as
/// section (f) of the regional report.
/// </summary>
public static class FailoverMarkdown
{
    public static string Render(FailoverResult failover, MachineInfo machine, RunParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(failover);
        ArgumentNullException.ThrowIfNull(machine);
        var md = new StringBuilder();
        md.Append("# Leader failover under write load (measured by the load-test harness)\n\n");
        md.Append(MachineMarkdown.Render(machine, parameters)).Append('\n');
        md.Append(RenderFigures(failover)).Append('\n');
        md.Append("The same figures are in `failover-report.json`. Produced by `loadtests/run.sh failover` (or `regional`, which also writes them as its section (f)).\n");
        return md.ToString();
    }

    /// <summary>The method, one row per run and the medians, the goal, then the failures' answers and notes.</summary>
    public static string RenderFigures(FailoverResult failover)
    {
        ArgumentNullException.ThrowIfNull(failover);
        var md = new StringBuilder();
        md.Append($"Method: {failover.Runs.Count} run(s), each on a fresh `{Scenarios.FailoverScenario.Command}`. Once group leadership has stayed unchanged for 5 s, ");
        md.Append($"{failover.Writers} closed-loop writers (PUT 100 B, each cycling over its own 1,000 keys) write through the two nodes that do not lead the namespace's group (writer i to the (i mod 2)-th); ");
        md.Append(Units.Invariant($"after {failover.PreKillSeconds:F0} s the leader's node process gets SIGKILL (its pid from `cluster.json`). "));
        md.Append("Times are from the moment kill(2) returned, on the `Stopwatch` clock that stamps every request's send and answer. ");
        md.Append("*Writes resume after*: to the first acknowledgement (2xx) of a write sent after the kill; *every writer resumed after*: to the moment each writer has had one; ");
        md.Append("*longest gap*: the longest time between two consecutive acknowledgements of any writer over the whole recording (with where it began, relative to the kill). ");
        md.Append(Units.Invariant($"A writer whose write failed in under {RecordingLoops.FailurePause.TotalMilliseconds:F0} ms waits out the rest of that before its next one, so it never spins. "));
        md.Append("The recording stops 2 s after every writer has resumed (at most 30 s after the kill); failures count every write of the recording that was not acknowledged, by status and problem code (\"no answer\": no HTTP answer at all).\n\n");

        md.Append("| run | killed | writes through | writes resume after | every writer resumed after | longest gap (began at) | last ack before kill | in flight at kill (acknowledged) | failures | acknowledged writes | new leader (term) |\n");
        md.Append("| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |\n");
        foreach (var run in failover.Runs)
        {
            var f = run.Figures;
            var killed = run.KilledNode is null ? "n/a" : $"{run.KilledNode} (pid {run.KilledPid}), leader of group {run.Group}";
            var through = run.WritersTo.Count == 0 ? "n/a" : string.Join(", ", run.WritersTo);
            var gap = f?.LongestGap is { } g ? $"{Units.Seconds(g)} ({Signed(f.LongestGapFrom)})" : "n/a";
            var inFlight = f is null ? "n/a" : $"{Units.Count(f.InFlightAtKill)} ({Units.Count(f.InFlightAcknowledged)})";
            var leader = run.NewLeader is null ? "n/a" : $"{run.NewLeader} ({run.NewTerm})";
            md.Append($"| {run.Run} | {killed} | {through} | {Units.Seconds(f?.ResumeAfter)} | {Units.Seconds(f?.EveryWriterResumedAfter)} | {gap} | {Signed(f?.LastAcknowledgedBeforeKill)} | {inFlight} | {Failures(f)} | {(f is null ? "n/a" : Units.Count(f.Acknowledged))} | {leader} |\n");
        }

        md.Append($"| median | | | {Units.Seconds(failover.MedianResumeAfterSeconds)} | {Units.Seconds(failover.MedianEveryWriterResumedAfterSeconds)} | {Units.Seconds(failover.MedianLongestGapSeconds)} | | | | | |\n\n");
        AppendGoal(md, failover);

        var notes = failover.Runs.SelectMany(r => (r.Failure is null ? [] : new[] { $"Run {r.Run} not (fully) measured: {r.Failure}." }).Concat(r.Notes.Select(n => $"Run {r.Run}: {n}"))).ToList();
        foreach (var note in notes)
        {
            md.Append($"- {note}\n");
        }

        md.Append(Units.Invariant($"{(notes.Count > 0 ? "\n" : string.Empty)}The {failover.Runs.Count} run(s) took {failover.TotalSeconds:F0} s in all, cluster starts and stops included.\n"));
        return md.ToString();
    }

    private static void AppendGoal(StringBuilder md, FailoverResult failover)
    {
        var measured = failover.Runs.Where(r => r.Figures?.ResumeAfter is not null).ToList();
        var within = measured.Count(r => r.Figures!.ResumeAfter <= failover.GoalSeconds);
        md.Append(Units.Invariant($"Goal (issue): writes resume within {failover.GoalSeconds:F1} s of the leader's death. "));
        if (failover.MedianResumeAfterSeconds is { } median)
        {
            md.Append($"Median {Units.Seconds(median)}: {(median <= failover.GoalSeconds ? "within" : "**not within**")} the goal; ");
            md.Append($"{within} of {measured.Count} measured run(s) within it{(measured.Count < failover.Runs.Count ? $" ({failover.Runs.Count - measured.Count} not measured)" : string.Empty)}.\n\n");
        }
        else
        {
            md.Append("**Not measured**: no run had a write sent after the kill acknowledged.\n\n");
        }
    }

    private static string Failures(FailoverFigures? figures) =>
        figures is null ? "n/a"
        : figures.FailuresByOutcome.Count == 0 ? "none"
        : string.Join("; ", figures.FailuresByOutcome.Select(f => $"{f.Key}: {Units.Count(f.Value)}"));

    /// <summary>A time relative to the kill, with its sign: "-0.002 s" is before it.</summary>
    private static string Signed(double? seconds) => seconds is { } s ? Units.Invariant($"{s:+0.000;-0.000;0.000} s") : "n/a";
}
