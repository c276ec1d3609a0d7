using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Platform.Cli.Up;

namespace Platform.Cli.Tests.Processes;

/// <summary>A real `platform node` process of a test region, started from the built CLI next to the tests.</summary>
internal sealed class NodeProcess : IDisposable
{
    private Process? process;

    public NodeProcess(string region, string name, IReadOnlyList<string> nodes, string dataDirectory, int groups, string? azureTables = null)
    {
        AzureTables = azureTables;
        Region = region;
        Name = name;
        Nodes = nodes;
        DataDirectory = dataDirectory;
        Groups = groups;
        (HttpPort, SiloPort, GatewayPort) = (UpRunner.FreePort(), UpRunner.FreePort(), UpRunner.FreePort());
    }

    public string Region { get; }

    /// <summary>When set, the node clusters through Azure Table Storage at this connection string.</summary>
    public string? AzureTables { get; }

    public string Name { get; }

    public IReadOnlyList<string> Nodes { get; }

    public string DataDirectory { get; }

    public int Groups { get; }

    public int HttpPort { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public Uri Http => new($"http://127.0.0.1:{HttpPort}");

    public void Start()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "platform.dll"), "node", "--region", Region, "--name", Name, "--nodes", string.Join(',', Nodes),
            "--data-dir", DataDirectory, "--groups", Groups.ToString(CultureInfo.InvariantCulture),
            "--http-port", HttpPort.ToString(CultureInfo.InvariantCulture), "--silo-port", SiloPort.ToString(CultureInfo.InvariantCulture),
            "--gateway-port", GatewayPort.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (AzureTables is not null)
        {
            start.ArgumentList.Add("--clustering");
            start.ArgumentList.Add("azurite");
            start.Environment["PLATFORM_AZURE_TABLES"] = AzureTables;
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("could not start a node");

        // Drain the output so a chatty node never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL: the process gets no chance to flush or say goodbye.</summary>
    public void Kill()
    {
        process?.Kill(entireProcessTree: true);
        process?.WaitForExit();
        process?.Dispose();
        process = null;
    }

    /// <summary>The node's readiness answer (status, and per group its leader and term), or null when it does not answer.</summary>
    public async Task<(bool Ready, IReadOnlyList<(long Id, string? Leader, long Term)> Groups)?> ReadyAsync(HttpClient http, CancellationToken cancel)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(Http, "/readyz"), cancel);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
            var groups = body.RootElement.GetProperty("groups").EnumerateArray()
                .Select(g => (g.GetProperty("id").GetInt64(), g.GetProperty("leader").GetString(), g.GetProperty("term").GetInt64())).ToList();
            return (response.IsSuccessStatusCode, groups);
        }
        catch (Exception problem) when (problem is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    public void Dispose() => Kill();
}
