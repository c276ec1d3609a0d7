using System.Diagnostics;
using System.Runtime.InteropServices;
using Platform.Cli.Up;

namespace Platform.Cli.Tests.Processes;

/// <summary>`platform up` as a user runs it: child nodes, readiness, cluster.json, and a clean stop on SIGTERM.</summary>
[Trait("Category", "Integration")]
[Collection(nameof(UpProcessTests))]
public sealed partial class UpProcessTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Up_starts_a_ready_region_writes_cluster_json_and_stops_every_child_on_sigterm()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "platform.dll"), "up", "--regions", "r1", "--nodes", "3", "--base-port", "0", "--data-dir", dataDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        using var up = Process.Start(start)!;
        var output = up.StandardOutput.ReadToEndAsync(Cancel);
        var clusterPath = Path.Combine(dataDirectory, "cluster.json");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!File.Exists(clusterPath) && DateTime.UtcNow < deadline && !up.HasExited)
        {
            await Task.Delay(200, Cancel);
        }

        try
        {
            Assert.True(File.Exists(clusterPath), "up never wrote cluster.json");
            var cluster = ClusterFile.Read(clusterPath);
            var nodes = Assert.Single(cluster.Regions).Nodes;
            Assert.Equal(["node-1", "node-2", "node-3"], nodes.Select(n => n.Name));
            using var http = new HttpClient();
            foreach (var node in nodes)
            {
                var ready = await http.GetAsync(new Uri(new Uri(node.Http), "/readyz"), Cancel);
                Assert.True(ready.IsSuccessStatusCode);
                Assert.False(Process.GetProcessById(node.Pid).HasExited);
                Assert.True(File.Exists(Path.Combine(dataDirectory, "r1", node.Name, "node.log")));
            }

            Assert.Equal(0, Kill(up.Id, 15));
            await up.WaitForExitAsync(Cancel);
            Assert.Equal(0, up.ExitCode);
            Assert.Contains("Every group has a leader", await output, StringComparison.Ordinal);
            foreach (var node in nodes)
            {
                Assert.True(HasExited(node.Pid), $"node {node.Name} (pid {node.Pid}) outlived up");
            }
        }
        finally
        {
            if (!up.HasExited)
            {
                up.Kill(entireProcessTree: true);
            }
        }
    }

    private static bool HasExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

/// <summary>Process collections run one at a time (shared/MACHINE-NOTES.md).</summary>
[CollectionDefinition(nameof(UpProcessTests), DisableParallelization = true)]
public sealed class UpProcessSuite;
