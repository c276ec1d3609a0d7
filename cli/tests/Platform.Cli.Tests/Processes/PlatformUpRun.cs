using System.Diagnostics;
using Platform.Cli.Up;

namespace Platform.Cli.Tests.Processes;

/// <summary>
/// `platform up` run by a test as a child process: started with the given arguments (the data
/// directory added), its output drained, ready once it wrote cluster.json, and stopped with every
/// node it started when disposed.
/// </summary>
internal sealed class PlatformUpRun : IAsyncDisposable
{
    private readonly Process up;

    private PlatformUpRun(Process up, ClusterFile cluster)
    {
        this.up = up;
        Cluster = cluster;
    }

    public ClusterFile Cluster { get; }

    /// <summary>
    /// Starts `platform up` and waits (up to 180 s) for cluster.json. A start that fails (the
    /// process exits, or no cluster.json in time, as a busy CI machine may cause) is tried once
    /// more in a fresh data directory; a second failure ends the test with what `up` printed.
    /// </summary>
    public static async Task<PlatformUpRun> StartAsync(string dataDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var asked = arguments.ToList();
        try
        {
            return await TryStartAsync(dataDirectory, asked, cancellationToken);
        }
        catch (InvalidOperationException first) when (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                return await TryStartAsync(Path.Combine(dataDirectory, "second-start"), asked, cancellationToken);
            }
            catch (InvalidOperationException second)
            {
                throw new InvalidOperationException($"platform up did not start twice:\n--- first ---\n{first.Message}\n--- second ---\n{second.Message}");
            }
        }
    }

    private static async Task<PlatformUpRun> TryStartAsync(string dataDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "platform.dll"));
        start.ArgumentList.Add("up");
        foreach (var argument in arguments.Concat(["--data-dir", dataDirectory]))
        {
            start.ArgumentList.Add(argument);
        }

        var up = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        up.OutputDataReceived += (_, line) => Keep(output, line.Data);
        up.ErrorDataReceived += (_, line) => Keep(output, line.Data);
        up.BeginOutputReadLine();
        up.BeginErrorReadLine();
        try
        {
            var clusterPath = Path.Combine(dataDirectory, "cluster.json");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
            while (!File.Exists(clusterPath) && DateTime.UtcNow < deadline && !up.HasExited)
            {
                await Task.Delay(200, cancellationToken);
            }

            if (!File.Exists(clusterPath))
            {
                throw new InvalidOperationException(
                    $"{(up.HasExited ? $"platform up exited ({up.ExitCode})" : "platform up wrote no cluster.json within 180 s")}; it printed:\n{string.Join('\n', output.TakeLast(40))}");
            }

            return new PlatformUpRun(up, ClusterFile.Read(clusterPath));
        }
        catch
        {
            await StopAsync(up);
            up.Dispose();
            throw;
        }
    }

    private static void Keep(System.Collections.Concurrent.ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200)
        {
            output.TryDequeue(out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(up);
        up.Dispose();
    }

    private static async Task StopAsync(Process up)
    {
        if (!up.HasExited)
        {
            up.Kill(entireProcessTree: true);
            await up.WaitForExitAsync();
        }
    }
}
