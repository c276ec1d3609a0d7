using System.Globalization;

namespace Platform.LoadTests.Report;

/// <summary>The lines every report opens with: machine, date, commit, load, and whether this was a full run.</summary>
public static class MachineMarkdown
{
    public static string Render(MachineInfo machine, RunParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(parameters);
        var lines = new List<string>
        {
            $"- Machine: {machine.Cores} cores, {machine.Os} ({machine.Architecture}), {machine.Runtime}",
            $"- Date: {machine.Date.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; commit {machine.Commit ?? "unknown (git could not tell)"}",
            $"- Load average (1, 5, 15 min) when the run started: {machine.LoadAverageAtStart ?? "unknown"}",
            "- The load generator, `platform up` and every node run on this same machine and share its cores.",
        };
        if (!parameters.IsFullRun)
        {
            lines.Add($"- **Not a full run**: the parameters differ from the defaults ({Describe(RunParameters.Defaults)}); a trial, not figures to compare.");
        }

        return string.Join('\n', lines) + "\n";
    }

    public static string Describe(RunParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Units.Invariant($"{parameters.Seconds} s per concurrent phase after {parameters.WarmupSeconds} s of warm-up, {parameters.SequentialWrites} sequential writes per target after {parameters.SequentialWarmup} warm-up writes, concurrency {parameters.Concurrency}, {parameters.GlobalWrites} sequential writes per global target after {parameters.GlobalWarmup}, {parameters.DrillRounds} drill rounds, {parameters.EdgeKeys} edge keys, {parameters.EdgeWatchers} edge watchers sent {parameters.EdgeWrites} writes, {parameters.EdgeRounds} rounds of edge/nginx reads, {parameters.HerdClients} herd clients");
    }
}
