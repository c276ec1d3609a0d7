using System.Diagnostics;
using System.Globalization;

namespace Platform.LoadTests.Cluster;

/// <summary>
/// One <c>dotnet platform.dll up ...</c> child process over a fresh data directory. Disposing it stops
/// the platform (SIGTERM, then a kill of the whole tree after a grace period), kills any node left
/// behind and deletes the data directory, whatever happened before.
/// </summary>
public sealed class PlatformUpProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyBound = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    // Longer than the 10 s that `up` itself gives each node before it kills it.
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);

    private readonly Process process;
    private readonly string dataDirectory;
    private readonly List<string> errorLines = [];
    private ClusterInfo? cluster;

    private PlatformUpProcess(Process process, string dataDirectory)
    {
        this.process = process;
        this.dataDirectory = dataDirectory;
    }

    public ClusterInfo Cluster => cluster ?? throw new InvalidOperationException("the platform is not ready yet");

    /// <summary>The run's data directory (its logs, such as each edge's <c>&lt;region&gt;/edge/edge.log</c>); deleted on dispose.</summary>
    public string DataDirectory => dataDirectory;

    /// <summary>From starting the command to cluster.json being written (every group has a leader).</summary>
    public TimeSpan ReadyAfter { get; private set; }

    /// <summary>How often the harness looked for cluster.json: the resolution of <see cref="ReadyAfter"/>.</summary>
    public static TimeSpan ReadyResolution => PollInterval;

    /// <summary>Starts the platform and returns once cluster.json exists; throws (after cleaning up) when it does not come.</summary>
    public static Task<PlatformUpProcess> StartAsync(string platformDll, string regions, int nodesPerRegion, string dataRoot, CancellationToken cancellationToken) =>
        StartAsync(platformDll, regions, nodesPerRegion, dataRoot, [], cancellationToken);

    /// <summary>The same, with <paramref name="extraArguments"/> given to <c>up</c> after the layout (the global scenario's <c>--wan-rtt 80ms</c>).</summary>
    public static async Task<PlatformUpProcess> StartAsync(string platformDll, string regions, int nodesPerRegion, string dataRoot, IReadOnlyList<string> extraArguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(extraArguments);
        var dataDirectory = Path.Combine(dataRoot, $"platform-load-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[platformDll, "up", "--regions", regions, "--nodes", nodesPerRegion.ToString(CultureInfo.InvariantCulture), "--base-port", "0", "--data-dir", dataDirectory])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in extraArguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A launch profile's URLs would otherwise reach every node (docs/pitfalls.md, The build machine).
        start.Environment.Remove("ASPNETCORE_URLS");
        var up = new PlatformUpProcess(new Process { StartInfo = start }, dataDirectory);
        try
        {
            await up.StartAndWaitReadyAsync(cancellationToken);
            return up;
        }
        catch
        {
            await up.DisposeAsync();
            throw;
        }
    }

    private async Task StartAndWaitReadyAsync(CancellationToken cancellationToken)
    {
        // Stdout carries the admin token (meant for a terminal only): it is drained, never kept.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                lock (errorLines)
                {
                    errorLines.Add(line.Data);
                }
            }
        };
        var clusterPath = Path.Combine(dataDirectory, "cluster.json");
        var started = Stopwatch.GetTimestamp();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        while (!File.Exists(clusterPath))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"platform up exited with {process.ExitCode} before it was ready: {ErrorText()}{NodeLogTails()}");
            }

            if (Stopwatch.GetElapsedTime(started) > ReadyBound)
            {
                throw new TimeoutException($"platform up wrote no cluster.json within {ReadyBound.TotalSeconds:F0} s: {ErrorText()}{NodeLogTails()}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        // up writes cluster.json through a rename, so the file is whole as soon as it exists.
        ReadyAfter = Stopwatch.GetElapsedTime(started);
        cluster = ClusterInfo.Read(clusterPath);
    }

    private string ErrorText()
    {
        lock (errorLines)
        {
            return errorLines.Count == 0 ? "(nothing on stderr)" : string.Join(Environment.NewLine, errorLines);
        }
    }

    private string NodeLogTails()
    {
        var tails = Directory.EnumerateFiles(dataDirectory, "node.log", SearchOption.AllDirectories)
            .Select(log => $"{Environment.NewLine}--- {Path.GetRelativePath(dataDirectory, log)} (last lines){Environment.NewLine}{string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(15))}");
        return string.Concat(tails);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            process.Dispose();
            DeleteDataDirectory();
        }
    }

    private async Task StopAsync()
    {
        if (!HasStarted())
        {
            return;
        }

        await ProcessSignals.StopAsync(process, StopGrace, "platform up");

        KillLeftoverNodes();
    }

    /// <summary>
    /// SIGKILLs one node of this platform, as a crash would (no shutdown, no leadership handover). Its pid
    /// comes from cluster.json; the kill only goes out while that pid's command line still names this
    /// run's data directory, so a pid the system has reused is left alone. False when nothing was killed.
    /// </summary>
    public bool KillNode(ClusterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Pid > 0
            && ProcessSignals.CommandLine(node.Pid).Contains(dataDirectory, StringComparison.Ordinal)
            && ProcessSignals.TryForceKill(node.Pid);
    }

    /// <summary>True once the node's process has exited (gone, or a zombie waiting for `up` to reap it).</summary>
    public bool HasNodeExited(ClusterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return !ProcessSignals.CommandLine(node.Pid).Contains(dataDirectory, StringComparison.Ordinal);
    }

    private bool HasStarted()
    {
        try
        {
            _ = process.Id;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// A node outlives `up` only if `up` itself died or was killed. Every node's command line names this
    /// data directory, which is unique to this run, so that is how they are found (even before cluster.json
    /// listed them), and a pid the system has reused for something else is left alone.
    /// </summary>
    private void KillLeftoverNodes()
    {
        foreach (var pid in ProcessSignals.RunningPids().Where(pid => pid != Environment.ProcessId))
        {
            if (ProcessSignals.CommandLine(pid).Contains(dataDirectory, StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"process {pid} of this platform outlived platform up; killing it");
                ProcessSignals.ForceKill(pid);
            }
        }

        KillLeftoverEdges();
    }

    /// <summary>
    /// An edge's command line names its port, not the data directory, so it is found by the pid and
    /// port cluster.json gave it; a pid the system has reused for something else is left alone.
    /// </summary>
    private void KillLeftoverEdges()
    {
        foreach (var edge in cluster?.Regions.Select(r => r.Edge).OfType<ClusterEdge>() ?? [])
        {
            var line = ProcessSignals.CommandLine(edge.Pid);
            if (edge.Pid > 0 && line.Contains(" edge ", StringComparison.Ordinal)
                && line.Contains(FormattableString.Invariant($"--port {edge.Endpoint.Port} "), StringComparison.Ordinal))
            {
                Console.Error.WriteLine($"edge {edge.Pid} of this platform outlived platform up; killing it");
                ProcessSignals.ForceKill(edge.Pid);
            }
        }
    }

    private void DeleteDataDirectory()
    {
        // A node that has just been killed may still be closing files; a few tries settle it.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(dataDirectory))
                {
                    Directory.Delete(dataDirectory, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 5)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(200 * attempt));
            }
        }
    }
}
