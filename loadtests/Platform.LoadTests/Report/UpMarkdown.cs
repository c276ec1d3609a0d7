using System.Text;

namespace Platform.LoadTests.Report;

/// <summary>
/// The <c>platform up</c> start-up report (loadtests/results/up/up-report.md), and its figures as a
/// section of the regional report.
/// </summary>
public static class UpMarkdown
{
    public static string Render(UpResult up, MachineInfo machine, RunParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(up);
        ArgumentNullException.ThrowIfNull(machine);
        var md = new StringBuilder();
        md.Append("# `platform up` start-up (measured by the load-test harness)\n\n");
        md.Append(MachineMarkdown.Render(machine, parameters)).Append('\n');
        md.Append(RenderFigures(up)).Append('\n');
        md.Append("Goal (issue \"Regional service\"): ready in under 20 s, under 150 MiB per node.\n\n");
        md.Append("Before the API existed, measured by hand (2026-11-26, nodes serving only health and readiness, memory 3 s after ready): ");
        md.Append("9 nodes ready in 13.4 s, 123 MiB mean RSS per node.\n\n");
        md.Append("Produced by `loadtests/run.sh up` (or `regional`, which also writes `loadtests/results/regional/`).\n");
        return md.ToString();
    }

    /// <summary>The command, the summary table and one row per node.</summary>
    public static string RenderFigures(UpResult up)
    {
        ArgumentNullException.ThrowIfNull(up);
        var md = new StringBuilder();
        md.Append($"Command: `{up.Command}` (Release build, fresh data directory), timed from starting the command to `cluster.json` existing ");
        md.Append(Units.Invariant($"(written once every group of every region has a leader; polled every {up.ReadyResolutionSeconds * 1000:F0} ms). "));
        md.Append(Units.Invariant($"Memory: `VmRSS` from `/proc/<pid>/status` of each node process, {up.MemoryDelaySeconds:F0} s after `cluster.json` appeared.\n\n"));
        if (up.Failure is not null)
        {
            md.Append($"**Not fully measured**: {up.Failure}\n\n");
        }

        md.Append("| nodes | ready after | mean RSS per node | max RSS per node |\n");
        md.Append("| ---: | ---: | ---: | ---: |\n");
        md.Append($"| {up.Nodes} | {Units.Seconds(up.ReadySeconds)} | {Units.MiB(up.MeanRssMiB)} | {Units.MiB(up.MaxRssMiB)} |\n\n");
        if (up.PerNode.Count > 0)
        {
            md.Append("| region | node | RSS |\n");
            md.Append("| --- | --- | ---: |\n");
            foreach (var node in up.PerNode)
            {
                md.Append($"| {node.Region} | {node.Node} | {(node.RssMiB is null ? "exited" : Units.MiB(node.RssMiB))} |\n");
            }
        }

        return md.ToString();
    }
}
