using System.Runtime.InteropServices;
using Platform.LoadTests.Report;
using Platform.LoadTests.Scenarios;

namespace Platform.LoadTests;

/// <summary>
/// The regional and global load tests (loadtests/run.sh regional|up|failover|global|replication|drills|edge|herd|versus): starts real platforms with `platform up`
/// (and, for versus, etcd clusters with loadtests/etcd.sh),
/// drives them with closed loops and writes the reports under the results directory. Exit code 0 when
/// everything was measured without an error, 1 when a report holds errors or a figure could not be
/// measured (the report is still written), 2 on a wrong command line, 130 when interrupted.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = HarnessOptions.Parse(args, Environment.GetEnvironmentVariables(), out var error);
        if (options is null)
        {
            Console.Error.WriteLine(error);
            return 2;
        }

        // Ctrl+C or SIGTERM cancels the run, so every `finally` stops its platform and deletes its data.
        using var cancel = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        var machine = MachineInfo.Capture(options.RepositoryRoot);
        try
        {
            return options.Scenario switch
            {
                "up" => await RunUpAsync(options, machine, cancel.Token),
                "failover" => await RunFailoverAsync(options, machine, cancel.Token),
                "global" => await RunGlobalAsync(options, machine, cancel.Token),
                "replication" => await RunReplicationAsync(options, machine, cancel.Token),
                "drills" => await RunDrillsAsync(options, machine, cancel.Token),
                "edge" => await RunEdgeAsync(options, machine, cancel.Token),
                "herd" => await RunHerdAsync(options, machine, cancel.Token),
                "versus" => await RunVersusAsync(options, machine, cancel.Token),
                _ => await RunRegionalAsync(options, machine, cancel.Token),
            };
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("interrupted: every platform started was stopped and its data deleted; no report written");
            return 130;
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            cancel.Cancel();
        }
    }

    private static async Task<int> RunRegionalAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        var regional = await RegionalScenario.RunAsync(options, machine, cancellationToken);
        var up = await UpScenario.RunAsync(options, cancellationToken);

        // Last: it kills a node of each cluster it starts.
        var failover = await FailoverScenario.RunAsync(options, cancellationToken);
        var report = regional with { Up = up, Failover = failover };

        var directory = Path.Combine(options.ResultsDirectory, "regional");
        Directory.CreateDirectory(directory);
        var markdown = RegionalMarkdown.Render(report);
        await File.WriteAllTextAsync(Path.Combine(directory, "regional-report.md"), markdown, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "regional-report.json"), ReportJson.Serialize(report) + "\n", cancellationToken);
        await WriteUpReportAsync(options, up, machine, cancellationToken);
        await WriteFailoverReportAsync(options, failover, machine, cancellationToken);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"==> reports in {directory}, {Path.Combine(options.ResultsDirectory, "up")} and {Path.Combine(options.ResultsDirectory, "failover")}");

        // Failed writes during (f) are what it measures, not errors; a run it could not measure is.
        var failed = report.Phases.Any(p => p.Errors > 0 || p.WarmupErrors > 0) || up.Failure is not null || failover.Failed;
        return failed ? 1 : 0;
    }

    private static async Task<int> RunUpAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        var up = await UpScenario.RunAsync(options, cancellationToken);
        await WriteUpReportAsync(options, up, machine, cancellationToken);
        Console.WriteLine($"==> report in {Path.Combine(options.ResultsDirectory, "up")}");
        return up.Failure is null ? 0 : 1;
    }

    private static async Task<int> RunFailoverAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        var failover = await FailoverScenario.RunAsync(options, cancellationToken);
        await WriteFailoverReportAsync(options, failover, machine, cancellationToken);
        Console.WriteLine();
        Console.WriteLine(FailoverMarkdown.RenderFigures(failover));
        Console.WriteLine($"==> report in {Path.Combine(options.ResultsDirectory, "failover")}");
        return failover.Failed ? 1 : 0;
    }

    private static async Task<int> RunGlobalAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        var report = await GlobalScenario.RunAsync(options, machine, cancellationToken);
        return await WriteReportAsync(options, "global", GlobalMarkdown.Render(report), ReportJson.Serialize(report), report.Failed, cancellationToken);
    }

    private static async Task<int> RunReplicationAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        var report = await ReplicationScenario.RunAsync(options, machine, cancellationToken);
        return await WriteReportAsync(options, "replication", ReplicationMarkdown.Render(report), ReportJson.Serialize(report), report.Failed, cancellationToken);
    }

    private static async Task<int> RunDrillsAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        var report = await DrillsScenario.RunAsync(options, machine, cancellationToken);
        return await WriteReportAsync(options, "drills", DrillsMarkdown.Render(report), ReportJson.Serialize(report), report.Failed, cancellationToken);
    }

    private static async Task<int> RunEdgeAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        var report = await EdgeScenario.RunAsync(options, machine, cancellationToken);
        return await WriteReportAsync(options, "edge", EdgeMarkdown.Render(report), ReportJson.Serialize(report), report.Failed, cancellationToken);
    }

    private static async Task<int> RunHerdAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        var report = await HerdScenario.RunAsync(options, machine, cancellationToken);
        return await WriteReportAsync(options, "herd", HerdMarkdown.Render(report), ReportJson.Serialize(report), report.Failed, cancellationToken);
    }

    private static async Task<int> RunVersusAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        var report = await VersusScenario.RunAsync(options, machine, cancellationToken);
        var written = await VersusFiles.WriteAsync(options.ResultsDirectory, report, cancellationToken);
        Console.WriteLine();
        Console.WriteLine(await File.ReadAllTextAsync(written.Markdown, cancellationToken));
        Console.WriteLine($"==> report in {written.Markdown}, {written.Json} and {written.Charts.Count} chart(s) in {written.ChartDirectory}");
        return report.Failed ? 1 : 0;
    }

    /// <summary>Writes a scenario's report as results/&lt;scenario&gt;/&lt;scenario&gt;-report.md and .json, prints it, and returns the exit code.</summary>
    private static async Task<int> WriteReportAsync(HarnessOptions options, string scenario, string markdown, string json, bool failed, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(options.ResultsDirectory, scenario);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, $"{scenario}-report.md"), markdown, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, $"{scenario}-report.json"), json + "\n", cancellationToken);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"==> report in {directory}");
        return failed ? 1 : 0;
    }

    private static async Task WriteFailoverReportAsync(HarnessOptions options, FailoverResult failover, MachineInfo machine, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(options.ResultsDirectory, "failover");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "failover-report.md"), FailoverMarkdown.Render(failover, machine, options.Parameters), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "failover-report.json"), ReportJson.Serialize(failover) + "\n", cancellationToken);
    }

    private static async Task WriteUpReportAsync(HarnessOptions options, UpResult up, MachineInfo machine, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(options.ResultsDirectory, "up");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "up-report.md"), UpMarkdown.Render(up, machine, options.Parameters), cancellationToken);
    }
}
