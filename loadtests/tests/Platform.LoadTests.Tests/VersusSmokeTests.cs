using Platform.LoadTests.Report;
using Platform.LoadTests.Scenarios;

namespace Platform.LoadTests.Tests;

/// <summary>
/// The versus scenario in its smoke set (about a second per phase, one round, one leader kill each) against a
/// real `platform up --regions eu-west --nodes 3` and a real 3-member etcd started by loadtests/etcd.sh: both
/// drivers must do work without an unexpected error, and the report and its charts must be written.
/// </summary>
[Trait("Category", "Integration")]
[Collection(nameof(VersusSmokeTests))]
public sealed class VersusSmokeTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "platform-loadtests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Versus_smoke_run_drives_both_systems_and_writes_the_report_and_charts()
    {
        var repository = RepositoryRoot();
        var results = Path.Combine(root, "results");
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        var options = new HarnessOptions("versus", Path.Combine(AppContext.BaseDirectory, "platform.dll"), results, repository, data,
            RunParameters.Defaults, VersusParameters.Smoke, Path.Combine(repository, "loadtests", "etcd.sh"));
        var machine = MachineInfo.Capture(repository);

        var report = await VersusScenario.RunAsync(options, machine, Cancel);
        var written = await VersusFiles.WriteAsync(results, report, Cancel);

        Assert.Empty(report.Failures);
        Assert.NotEmpty(report.Phases);
        foreach (var phase in report.Phases)
        {
            Assert.Equal(["platform", "etcd"], phase.Systems.Select(s => s.System));
            foreach (var system in phase.Systems)
            {
                Assert.True(system.Ok > 0, $"{phase.Id}: {system.System} acknowledged nothing ({system.FirstFailure})");
                Assert.True(system.Errors == 0, $"{phase.Id}: {system.System} had {system.Errors} error(s): {system.FirstFailure}");
            }
        }

        Assert.Contains(report.Phases, p => p.Id == "cas-c16" && p.Systems.All(s => s.Ok + s.Conflicts > 0));
        Assert.All(report.KillTrials, trial => Assert.True(trial.ResumeAfterSeconds > 0, $"{trial.System}: {trial.Failure}"));
        Assert.Equal(["platform", "etcd"], report.KillTrials.Select(t => t.System));
        Assert.False(report.Failed);

        Assert.True(File.Exists(written.Markdown));
        Assert.Equal(machine.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + ".md", Path.GetFileName(written.Markdown));
        var markdown = await File.ReadAllTextAsync(written.Markdown, Cancel);
        Assert.Contains("| closed loop, 16 writer(s) | etcd |", markdown, StringComparison.Ordinal);
        Assert.True(File.Exists(written.Json));
        Assert.NotEmpty(written.Charts);
        Assert.All(written.Charts, chart => Assert.Contains("<polyline", File.ReadAllText(chart), StringComparison.Ordinal));

        // Every etcd member and platform node the run started is gone, and so are their data directories.
        Assert.Empty(Directory.EnumerateFileSystemEntries(data));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "loadtests", "etcd.sh")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no loadtests/etcd.sh above {AppContext.BaseDirectory}");
    }
}
