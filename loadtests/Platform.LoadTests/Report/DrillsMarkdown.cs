using System.Globalization;
using System.Text;
using Platform.Client.Models;
using Platform.LoadTests.Cluster;
using Platform.LoadTests.Scenarios;
using static Platform.LoadTests.Report.Units;

namespace Platform.LoadTests.Report;

/// <summary>The drills report as Markdown: how the figures are taken, each set against the issue's goal, then every drill.</summary>
public static class DrillsMarkdown
{
    public static string Render(DrillsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.AppendLine("# Failover drills (measured by the load-test harness)").AppendLine();
        text.Append(MachineMarkdown.Render(report.Machine, report.Parameters)).AppendLine();
        if (report.Failure is { } failure)
        {
            text.AppendLine($"**{(report.Runs.Count == 0 ? "Not measured" : "Stopped early")}**: {failure}").AppendLine();
        }

        AppendSetup(text, report);
        AppendMethod(text);

        var rounds = report.Parameters.DrillRounds;
        text.AppendLine("## Goals (from the issue; reported, not asserted)").AppendLine();
        text.AppendLine(Invariant($"- Switchover: writes pause for less than {report.SwitchoverPauseGoalMs / 1000:0.##} s."));
        text.AppendLine(Invariant($"- Region loss: RTO under L + {DrillsScenario.RegionLossSlack.TotalSeconds:0} s, where L is the old home's lease, which the promotion must wait out: L = 3 x (2 x {DrillsScenario.ElectionTimeoutMin.TotalSeconds:0} s + the largest RTT) = 3 x ({2 * DrillsScenario.ElectionTimeoutMin.TotalSeconds:0} s + {DrillsScenario.WanRoundTrip.TotalMilliseconds:0} ms) = {report.LeaseMs / 1000:0.00} s, so {report.RegionLossRtoGoalMs / 1000:0.00} s.")).AppendLine();

        var switchovers = report.Runs.Count(r => r.Kind == DrillRequest.Switchover);
        text.AppendLine(Invariant($"## Switchovers ({switchovers} drills: the switchover, the failback and the return of each of {rounds} round(s))")).AppendLine();
        AppendSummary(text, report.Switchovers);
        text.AppendLine().AppendLine("## Region losses (" + Invariant($"{report.Runs.Count(r => r.Kind == DrillRequest.RegionLoss)} drills of {report.Home}") + ")").AppendLine();
        AppendSummary(text, report.RegionLosses);

        text.AppendLine().AppendLine("## Every drill").AppendLine();
        text.AppendLine("Epochs are the namespace's before and after the drill; *vs goal* is a switchover's write pause, or a region loss's RTO, against its goal.").AppendLine();
        text.AppendLine("| round | step | drill | from -> to | epochs | write pause | RTO | lost writes | realized RPO | promote phase | probe writes (errors) | state | verdict | vs goal |");
        text.AppendLine("| ---: | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |");
        foreach (var run in report.Runs)
        {
            var loss = run.Kind == DrillRequest.RegionLoss;
            var goal = loss ? Against(run.RtoMs, report.RegionLossRtoGoalMs) : Against(run.PausedMs, report.SwitchoverPauseGoalMs);
            text.AppendLine(
                $"| {run.Round} | {run.Step} | {(run.Id is null ? "n/a" : $"`{run.Id}`")} | {run.From} -> {run.To ?? "none"} | {Epoch(run.OldEpoch)} -> {Epoch(run.NewEpoch)} " +
                $"| {Figure(run.PausedMs)} | {Figure(run.RtoMs)} | {Writes(run.LostWrites)} | {Figure(run.RpoRealizedMs)} | {(loss ? Figure(run.PromoteMs) : string.Empty)} " +
                $"| {Writes(run.ProbeWrites)} ({Writes(run.ProbeErrors)}) | {run.State} | {(run.Passed ? run.Verdict : $"**{run.Verdict ?? "none"}**")} | {goal} |");
        }

        var problems = report.Runs.Where(r => r.Problem is not null).ToList();
        if (problems.Count > 0)
        {
            text.AppendLine();
            foreach (var run in problems)
            {
                text.AppendLine($"- Round {run.Round}, {run.Step} ({run.Id ?? "not started"}): {run.Problem}");
            }
        }

        foreach (var note in report.Notes)
        {
            text.AppendLine().AppendLine($"- {note}");
        }

        text.AppendLine().AppendLine("The same figures, with every drill's report in full, are in `drills-report.json`. Produced by `loadtests/run.sh drills`.");
        return text.ToString();
    }

    private static void AppendSetup(StringBuilder text, DrillsReport report)
    {
        var nodes = DrillsScenario.NodesPerRegion * DrillsScenario.Regions.Split(',').Length;
        text.AppendLine("## Setup").AppendLine();
        text.AppendLine($"- Cluster: `{report.Command}` (Release build of the CLI). All {nodes} nodes share this machine's {report.Machine.Cores} cores with `platform up` and the harness, so every figure includes waiting for them.");
        text.AppendLine($"- Namespace `{report.Namespace}`, `local-commit`, home `{report.Home}`, RPO {DrillsScenario.Rpo} (alert). The first drill starts once node-1 of every other region answers a read at the home's revision from its own copy.");
        text.AppendLine(Invariant($"- {report.Parameters.DrillRounds} round(s), each: (a) switchover {DrillsScenario.Home} -> {DrillsScenario.Away}; (b) failback {DrillsScenario.Away} -> {DrillsScenario.Home}; (c) region loss of {DrillsScenario.Home} (isolated from its clients and the other regions by the chaos layer, its namespace promoted where the most advanced copy is, then healed: it follows the new home); (d) switchover from wherever (c) promoted it back to {DrillsScenario.Home}, so every round starts alike. {DrillsScenario.BetweenDrills.TotalSeconds:0} s between drills."));
        text.AppendLine(Invariant($"- Through the HTTP API only: `POST /v1/drills` at node-1 of the region that runs the drill (a switchover at the home it moves away from, a region loss at {DrillsScenario.Away}), then `GET /v1/drills/{{id}}` there every {DrillFollower.PollInterval.TotalMilliseconds:0} ms until it is no longer running.")).AppendLine();
    }

    private static void AppendMethod(StringBuilder text)
    {
        text.AppendLine("## How the figures are taken").AppendLine();
        text.AppendLine("Every figure is the platform's own, from the drill's report (`GET /v1/drills/{id}`), not the harness's clock. While a drill runs, its probe writer writes one new key every 50 ms through the node that runs the drill (so through the forwarding, the leases and the fencing every client meets), each write tried once.").AppendLine();
        text.AppendLine("- *Write pause*: the longest gap between two accepted probe writes (in a region loss, from the loss to the restore).");
        text.AppendLine("- *RTO*: from the start of the switchover, or from the loss, to the first probe write accepted at the new home.");
        text.AppendLine("- *Lost writes*: acknowledged writes that did not survive (a switchover: accepted probe writes not readable at the new home; a region loss: the archive's acknowledged writes of the lost epoch past the fork point).");
        text.AppendLine("- *Realized RPO*: from the oldest acknowledged write that did not survive to the loss (0 when nothing was lost).");
        text.AppendLine("- *Promote phase*: the region loss's `promote` phase: the old home's lease revoked and waited out, every reachable copy stopped, the most advanced promoted.");
        text.AppendLine("- Median, min and max are over every drill that reported the figure; a drill is one sample, not a distribution.").AppendLine();
    }

    private static void AppendSummary(StringBuilder text, IReadOnlyList<FigureSummary> figures)
    {
        text.AppendLine("| figure | drills | median | min | max |").AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var figure in figures)
        {
            text.AppendLine($"| {figure.Figure} | {figure.Runs} | {Value(figure.Median, figure.Unit)} | {Value(figure.Min, figure.Unit)} | {Value(figure.Max, figure.Unit)} |");
        }

        foreach (var figure in figures.Where(f => f.GoalMs is not null))
        {
            var goal = figure.GoalMs!.Value;
            text.AppendLine().AppendLine(
                $"Goal: {figure.Figure} under {Ms(goal)}: median {Against(figure.Median, goal)}, min {Against(figure.Min, goal)}, max {Against(figure.Max, goal)}.");
        }
    }

    /// <summary>The figure and whether it is within the goal, by how much.</summary>
    private static string Against(double? milliseconds, double goalMs) => milliseconds is { } ms && !double.IsNaN(ms)
        ? ms < goalMs ? $"{Ms(ms)} (within, {Ms(goalMs - ms)} under)" : $"{Ms(ms)} (**over** by {Ms(ms - goalMs)})"
        : "n/a";

    private static string Value(double value, string unit) =>
        unit == "ms" ? Ms(value) : double.IsNaN(value) ? "n/a" : Invariant($"{value:0.#}");

    private static string Figure(double? milliseconds) => milliseconds is { } ms ? Ms(ms) : "n/a";

    private static string Writes(int? count) => count is { } c ? Count(c) : "n/a";

    private static string Epoch(long? epoch) => epoch is { } e ? e.ToString(CultureInfo.InvariantCulture) : "n/a";
}
