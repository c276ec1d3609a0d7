using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Platform.Cli.Up;

namespace Platform.Cli.Tests.Processes;

/// <summary>
/// A real `platform node` process of a test region, started from the built CLI next to the tests. Its
/// ports stay the same across restarts, so a restarted node is the same member on the same data directory.
/// </summary>
internal sealed partial class NodeProcess : IDisposable
{
    private const int SigStop = 19;
    private const int SigCont = 18;
    private const int OutputLinesKept = 200;

    private readonly Queue<string> output = new();
    private Process? process;

    public NodeProcess(string region, string name, IReadOnlyList<string> nodes, string dataDirectory, int groups, string adminTokenHash, string? azureTables = null)
    {
        AzureTables = azureTables;
        Region = region;
        Name = name;
        Nodes = nodes;
        DataDirectory = dataDirectory;
        Groups = groups;
        AdminTokenHash = adminTokenHash;
        (HttpPort, SiloPort, GatewayPort) = (UpRunner.FreePort(), UpRunner.FreePort(), UpRunner.FreePort());
    }

    public string Region { get; }

    /// <summary>When set, the node clusters through Azure Table Storage at this connection string.</summary>
    public string? AzureTables { get; }

    public string Name { get; }

    public IReadOnlyList<string> Nodes { get; }

    public string DataDirectory { get; }

    public int Groups { get; }

    /// <summary>SHA-256 (hex) of the admin token, passed as --admin-token-sha256.</summary>
    public string AdminTokenHash { get; }

    public int HttpPort { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public Uri Http => new($"http://{Address ?? "127.0.0.1"}:{HttpPort}");

    /// <summary>The node's <c>--address</c>; null leaves the default (127.0.0.1).</summary>
    public string? Address { get; init; }

    /// <summary>True while the process exists (running or frozen).</summary>
    public bool IsRunning => process is { HasExited: false };

    /// <summary>True between <see cref="Freeze"/> and <see cref="Thaw"/>.</summary>
    public bool IsFrozen { get; private set; }

    /// <summary>This node's own directory: &lt;data-dir&gt;/&lt;region&gt;/&lt;name&gt;/.</summary>
    public string NodeDirectory => Path.Combine(DataDirectory, Region, Name);

    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running");
        }

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
            "--admin-token-sha256", AdminTokenHash,
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (Address is not null)
        {
            start.ArgumentList.Add("--address");
            start.ArgumentList.Add(Address);
        }

        if (AzureTables is not null)
        {
            start.ArgumentList.Add("--clustering");
            start.ArgumentList.Add("azure-table");
            start.Environment["PLATFORM_AZURE_TABLES"] = AzureTables;
        }

        start.Environment.Remove("ASPNETCORE_URLS");
        process = Process.Start(start) ?? throw new InvalidOperationException("could not start a node");
        IsFrozen = false;

        // Drain the output so a chatty node never blocks on a full pipe; keep the tail for failure messages.
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL: the process gets no chance to flush or say goodbye.</summary>
    public void Kill()
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        process.Dispose();
        process = null;
        IsFrozen = false;
    }

    /// <summary>SIGSTOP: the process stops where it is, sockets open, until <see cref="Thaw"/>.</summary>
    public void Freeze()
    {
        Signal(SigStop);
        IsFrozen = true;
    }

    /// <summary>SIGCONT: the process resumes as if no time had passed, as far as it can tell.</summary>
    public void Thaw()
    {
        Signal(SigCont);
        IsFrozen = false;
    }

    /// <summary>The last lines the node printed, for assertion messages.</summary>
    public string OutputTail(int lines = 40)
    {
        lock (output)
        {
            return $"--- last output of {Name} ---\n" + string.Join('\n', output.TakeLast(lines));
        }
    }

    /// <summary>The node's readiness answer (status, and per group its leader and term), or null when it does not answer.</summary>
    public async Task<ReadyView?> ReadyAsync(HttpClient http, CancellationToken cancel)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(Http, "/readyz"), cancel);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
            var groups = body.RootElement.GetProperty("groups").EnumerateArray()
                .Select(g => new GroupView(g.GetProperty("id").GetInt64(), g.GetProperty("leader").GetString(), g.GetProperty("term").GetInt64(), g.GetProperty("role").ToString()))
                .ToList();
            return new ReadyView(response.IsSuccessStatusCode, groups);
        }
        catch (Exception problem) when (problem is HttpRequestException or TaskCanceledException or JsonException && !cancel.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (IsFrozen && IsRunning)
        {
            // A stopped process still dies of SIGKILL, but resume it first so nothing lingers half-way.
            Thaw();
        }

        Kill();
    }

    private void Signal(int signal)
    {
        if (process is not { HasExited: false })
        {
            throw new InvalidOperationException($"{Name} is not running");
        }

        if (SendSignal(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Enqueue(line);
            while (output.Count > OutputLinesKept)
            {
                output.Dequeue();
            }
        }
    }

    /// <summary>SIGSTOP (<paramref name="stop"/>) or SIGCONT to a process this test did not start itself (a node of `platform up`).</summary>
    public static void Signal(int pid, bool stop)
    {
        if (SendSignal(pid, stop ? SigStop : SigCont) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {(stop ? "SIGSTOP" : "SIGCONT")}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}

/// <summary>One node's /readyz answer.</summary>
internal sealed record ReadyView(bool Ready, IReadOnlyList<GroupView> Groups)
{
    public GroupView Group(long id) => Groups.Single(g => g.Id == id);
}

/// <summary>One group as a node's /readyz shows it: the leader's node name (null when unknown), the term, this replica's role.</summary>
internal sealed record GroupView(long Id, string? Leader, long Term, string? Role);
