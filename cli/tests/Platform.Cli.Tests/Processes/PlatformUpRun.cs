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

    public static async Task<PlatformUpRun> StartAsync(string dataDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "platform.dll"));
        start.ArgumentList.Add("up");
        foreach (var argument in arguments.Concat(["--data-dir", dataDirectory]))
        {
            start.ArgumentList.Add(argument);
        }

        var up = Process.Start(start)!;
        _ = up.StandardOutput.ReadToEndAsync(cancellationToken);
        _ = up.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            var clusterPath = Path.Combine(dataDirectory, "cluster.json");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (!File.Exists(clusterPath) && DateTime.UtcNow < deadline && !up.HasExited)
            {
                await Task.Delay(200, cancellationToken);
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
