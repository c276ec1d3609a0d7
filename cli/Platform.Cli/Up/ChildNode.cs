using System.Diagnostics;
using System.Globalization;

namespace Platform.Cli.Up;

/// <summary>
/// One node started by <c>platform up</c>: this same program re-run as <c>platform node</c>, its
/// output appended to <c>&lt;data-dir&gt;/&lt;region&gt;/&lt;node&gt;/node.log</c>.
/// </summary>
public sealed partial class ChildNode(LocalNode node, IReadOnlyList<string> regionNodes, string dataDirectory, int groups, string adminTokenHash, string? azureTables = null, RegionLinks? links = null, bool chaos = false) : IDisposable
{
    /// <summary>SHA-256 of the edges' reader token (<c>--edge-token-sha256</c>); null when no edge reads from this node.</summary>
    public string? EdgeTokenHash { get; init; }

    private Process? process;
    private ChildLog? log;

    public LocalNode Node { get; } = node;

    /// <summary>The runtime's knob for how long an idle thread-pool worker spins before it sleeps.</summary>
    public const string SpinLimitVariable = "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit";

    public int Pid => process?.Id ?? 0;

    public bool HasExited => process is null || process.HasExited;

    public string LogPath => Path.Combine(dataDirectory, Node.Region, Node.Name, "node.log");

    public void Start(Action<ChildNode> exited)
    {
        log = new ChildLog(LogPath);
        var (program, prefix) = SelfCommand();
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in prefix.Concat(
        [
            "node", "--region", Node.Region, "--name", Node.Name, "--nodes", string.Join(',', regionNodes),
            "--data-dir", dataDirectory, "--groups", groups.ToString(CultureInfo.InvariantCulture),
            "--http-port", Node.HttpPort.ToString(CultureInfo.InvariantCulture),
            "--silo-port", Node.SiloPort.ToString(CultureInfo.InvariantCulture),
            "--gateway-port", Node.GatewayPort.ToString(CultureInfo.InvariantCulture),
            "--admin-token-sha256", adminTokenHash,
            "--clustering", azureTables is null ? "embedded" : "azurite",
        ]).Concat(links?.ArgumentsFor(Node) ?? []).Concat(chaos ? ["--chaos"] : []).Concat(EdgeTokenHash is { } edge ? ["--edge-token-sha256", edge] : []))
        {
            start.ArgumentList.Add(argument);
        }

        if (links is not null)
        {
            start.Environment[RegionLinks.SecretVariable] = links.Secret;
        }

        if (azureTables is not null)
        {
            // In the environment, not the arguments: a connection string holds an account key.
            start.Environment["PLATFORM_AZURE_TABLES"] = azureTables;
        }

        // Every node of a local platform shares the machine's few cores: thread-pool workers that
        // spin while they wait for work take cores from the other nodes (measured here with 9 idle
        // nodes: 175,000 context switches/s with spinning, 14,000 without).
        // A node on its own machine keeps the runtime's default.
        start.Environment.TryAdd(SpinLimitVariable, "0");

        process = log.Start(start, () => exited(this));
    }

    /// <summary>This program: the apphost itself, or <c>dotnet platform.dll</c> when run through the muxer.</summary>
    internal static (string Program, string[] Prefix) SelfCommand()
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running");
        return Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? (self, [typeof(ChildNode).Assembly.Location])
            : (self, []);
    }

    /// <summary>Asks the node to stop (SIGTERM), then kills it if it has not within the grace period.</summary>
    public void Stop(TimeSpan grace) => Stop(process, grace);

    /// <summary>SIGTERM, then a kill after <paramref name="grace"/>: what every child of <c>up</c> gets.</summary>
    internal static void Stop(Process? process, TimeSpan grace)
    {
        if (process is null || process.HasExited)
        {
            return;
        }

        SendTerminate(process.Id);
        if (!process.WaitForExit(grace))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
    }

    private const int SigTerm = 15;

    private static void SendTerminate(int pid) => _ = Kill(pid, SigTerm);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public void Dispose()
    {
        process?.Dispose();
        log?.Dispose();
    }
}
