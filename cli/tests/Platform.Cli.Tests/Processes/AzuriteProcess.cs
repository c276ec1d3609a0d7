using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Platform.Cli.Up;

namespace Platform.Cli.Tests.Processes;

/// <summary>Azurite's Table service on a free loopback port, installed in tools/ by build.sh (in memory, no telemetry).</summary>
internal sealed class AzuriteProcess : IDisposable
{
    private readonly Process process;

    public AzuriteProcess()
    {
        Port = UpRunner.FreePort();
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot(), "tools", "node_modules", ".bin", "azurite-table"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--inMemoryPersistence", "--tableHost", "127.0.0.1", "--tablePort", Port.ToString(CultureInfo.InvariantCulture), "--disableTelemetry", "--silent" })
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("could not start Azurite");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    /// <summary>Waits until the Table service accepts connections.</summary>
    public async Task WaitUntilListeningAsync(TimeSpan bound, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancel);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancel);
            }
        }

        throw new TimeoutException($"Azurite did not listen on {Port} within {bound}");
    }

    public void Dispose()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        process.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("not inside the repository (no Platform.sln above the tests)");
    }
}
