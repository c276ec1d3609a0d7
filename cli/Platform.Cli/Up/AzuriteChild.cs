using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Platform.Cli.Up;

/// <summary>
/// Azurite's Table service on a free loopback port (in memory, no telemetry): the Azure Table
/// Storage that <c>platform up --clustering azurite</c> keeps Orleans membership in.
/// </summary>
public sealed class AzuriteChild : IDisposable
{
    private const string Program = "azurite-table";
    private readonly Process process;

    private AzuriteChild(string program)
    {
        Port = UpRunner.FreePort();
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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

    public int Pid => process.Id;

    /// <summary>Azurite's well-known development account, on this instance's port.</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    /// <summary>Starts Azurite found by <see cref="Locate"/>, and waits until it listens.</summary>
    public static AzuriteChild Start(TimeSpan bound)
    {
        var program = Locate() ?? throw new FileNotFoundException(
            $"{Program} was not found: run ./build.sh test once (it installs Azurite into tools/), put {Program} on PATH, or set PLATFORM_AZURE_TABLES to a Table Storage connection string");
        var child = new AzuriteChild(program);
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", child.Port);
                return child;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }

        child.Dispose();
        throw new TimeoutException($"Azurite did not listen on port {child.Port} within {bound.TotalSeconds:0} s");
    }

    /// <summary>The repository's pinned install (tools/node_modules, above the working directory or this program), else PATH.</summary>
    public static string? Locate()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "tools", "node_modules", ".bin", Program);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, Program))
            .FirstOrDefault(File.Exists);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }
}
