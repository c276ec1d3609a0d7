using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Platform.Cli.Output;
using Platform.Regional.Security;

namespace Platform.Cli.Up;

/// <summary>
/// Runs a whole local platform: every node of every region as its own child process, until Ctrl+C
/// or SIGTERM. A child that exits on its own is reported and the others keep running.
/// </summary>
public sealed class UpRunner(UpOptions options, TextWriter output, TextWriter error)
{
    private static readonly TimeSpan ReadyBound = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);
    private readonly List<ChildNode> children = [];
    private readonly List<ChildEdge> edges = [];
    private volatile bool stopping;

    public int Run()
    {
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var regions = WithFreePorts(LocalTopology.Plan(options));
        var clusterPath = Path.Combine(dataDirectory, "cluster.json");
        var adminToken = AdminToken.ReuseOrCreate(clusterPath);

        // The edges read with a token of their own, a reader of every namespace: a compromised edge
        // cannot write, manage tokens or see the topology. A new one each run (the nodes learn its
        // hash on their command line, the edges the token in their environment).
        var edgeToken = TokenHash.NewToken();
        var links = new RegionLinks(regions, options.WanRoundTrip, Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), options.GlobalVoters);
        using var azurite = options.Clustering == ClusteringKind.Azurite && Environment.GetEnvironmentVariable("PLATFORM_AZURE_TABLES") is not { Length: > 0 }
            ? AzuriteChild.Start(TimeSpan.FromSeconds(30))
            : null;
        var azureTables = options.Clustering == ClusteringKind.Azurite ? azurite?.ConnectionString ?? Environment.GetEnvironmentVariable("PLATFORM_AZURE_TABLES") : null;
        if (azurite is not null)
        {
            output.WriteLine($"platform up: Azurite (Table Storage for cluster membership) on 127.0.0.1:{azurite.Port}, pid {azurite.Pid}");
        }

        using var stopped = new ManualResetEventSlim();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stopped.Set();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            stopped.Set();
        });

        try
        {
            foreach (var region in regions)
            {
                var names = region.Nodes.Select(n => n.Name).ToList();
                foreach (var node in region.Nodes)
                {
                    var child = new ChildNode(node, names, dataDirectory, groups: 4, TokenHash.Of(adminToken), azureTables, links, options.Chaos) { EdgeTokenHash = TokenHash.Of(edgeToken) };
                    children.Add(child);
                    child.Start(OnExited);
                }
            }

            output.WriteLine($"platform up: started {children.Count} node(s) in {regions.Count} region(s); waiting for every group to have a leader...");
            var progress = new StartupProgress(output);
            if (!WaitUntilReady(progress, stopped))
            {
                return stopped.IsSet ? ExitCodes.Ok : ExitCodes.Unavailable;
            }

            foreach (var region in regions)
            {
                var edge = new ChildEdge(region, regions, dataDirectory, edgeToken);
                edges.Add(edge);
                edge.Start(OnEdgeExited);
            }

            if (!WaitUntilEdgesServe(progress, stopped))
            {
                return stopped.IsSet ? ExitCodes.Ok : ExitCodes.Unavailable;
            }

            var cluster = new ClusterFile(adminToken, [.. regions.Select(r => new ClusterFileRegion(
                r.Name,
                [.. r.Nodes.Select(n => new ClusterFileNode(n.Name, n.HttpUrl, n.SiloPort, n.GatewayPort, children.Single(c => c.Node == n).Pid))],
                r.InterRegionUrl,
                new ClusterFileEdge(r.EdgeUrl, edges.Single(e => e.Region == r).Pid, r.EdgeHttp2Url)))]);
            cluster.Write(clusterPath);
            PrintEndpoints(regions, dataDirectory);
            // The token goes to a terminal only: redirected output ends up in logs and CI transcripts.
            output.WriteLine(Terminal.IsTerminal(output)
                ? $"Admin token (shown here only; also in {clusterPath}): {adminToken}"
                : $"Admin token: in {clusterPath} (\"adminToken\"); it is printed only to a terminal, never to redirected output");
            stopped.Wait();
            return ExitCodes.Ok;
        }
        finally
        {
            stopping = true;
            output.WriteLine("platform up: stopping every edge and node...");
            Parallel.ForEach(edges, edge => edge.Stop(StopGrace));
            Parallel.ForEach(children, child => child.Stop(StopGrace));
            foreach (var edge in edges)
            {
                edge.Dispose();
            }

            foreach (var child in children)
            {
                child.Dispose();
            }
        }
    }

    private void OnExited(ChildNode child)
    {
        if (!stopping)
        {
            error.WriteLine($"platform up: {child.Node.Region}/{child.Node.Name} exited on its own; see {child.LogPath}. The other nodes keep running.");
        }
    }

    private void OnEdgeExited(ChildEdge edge)
    {
        if (!stopping)
        {
            error.WriteLine($"platform up: the edge of {edge.Region.Name} exited on its own; see {edge.LogPath}. The nodes keep running.");
        }
    }

    /// <summary>Edges start in a second or two; each answers /healthz once it listens.</summary>
    private bool WaitUntilEdgesServe(StartupProgress progress, ManualResetEventSlim stopped)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        if (progress.WaitFor("edge proxies serving", edges.Count, () => edges.Count(edge => Answers(http, edge.Region.EdgeUrl, "/healthz")), stopped, ReadyBound))
        {
            return true;
        }

        if (!stopped.IsSet)
        {
            error.WriteLine($"platform up: not every edge proxy answered within {ReadyBound.TotalSeconds:F0} s; see the edge.log files under {options.DataDirectory}.");
        }

        return false;
    }

    /// <summary>A node answers /readyz once every group it holds a replica of has a leader.</summary>
    private bool WaitUntilReady(StartupProgress progress, ManualResetEventSlim stopped)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        if (progress.WaitFor("nodes ready (every group has a leader)", children.Count, () => children.Count(child => Answers(http, child.Node.HttpUrl, "/readyz")), stopped, ReadyBound))
        {
            return true;
        }

        if (!stopped.IsSet)
        {
            error.WriteLine($"platform up: not every node was ready within {ReadyBound.TotalSeconds:F0} s; see the node.log files under {options.DataDirectory}.");
        }

        return false;
    }

    private static bool Answers(HttpClient http, string baseUrl, string path)
    {
        try
        {
            using var response = http.GetAsync(new Uri(new Uri(baseUrl), path)).GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (Exception problem) when (problem is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private void PrintEndpoints(IReadOnlyList<LocalRegion> regions, string dataDirectory)
    {
        output.WriteLine();
        TextTable.Write(output, ["REGION", "NODE", "HTTP", "SILO", "GATEWAY", "PID"],
            regions.SelectMany(region => region.Nodes.Select(node => (IReadOnlyList<string>)[
                region.Name, node.Name, node.HttpUrl, Text(node.SiloPort), Text(node.GatewayPort), Text(children.Single(c => c.Node == node).Pid)])));
        output.WriteLine();
        TextTable.Write(output, ["REGION", "EDGE PROXY", "EDGE HTTP/2", "PID"],
            regions.Select(region => (IReadOnlyList<string>)[region.Name, region.EdgeUrl, region.EdgeHttp2Url, Text(edges.Single(e => e.Region == region).Pid)]));
        output.WriteLine();
        output.WriteLine($"Every group has a leader. Wrote {Path.Combine(dataDirectory, "cluster.json")}. Press Ctrl+C to stop.");
        output.WriteLine("Each node serves the whole /v1 API; fleets read and watch through their region's edge proxy (same routes, cached).");
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>With --base-port 0 every endpoint gets a free port of its own (edges too); with --edge-port 0 the edges do.</summary>
    private IReadOnlyList<LocalRegion> WithFreePorts(IReadOnlyList<LocalRegion> planned) =>
        [.. planned.Select(r => r with
        {
            Nodes = options.BasePort != 0 ? r.Nodes : [.. r.Nodes.Select(n => n with { HttpPort = FreePort(), SiloPort = FreePort(), GatewayPort = FreePort(), InterRegionPort = FreePort() })],
            EdgePort = options.BasePort == 0 || options.EdgePort == 0 ? FreePort() : r.EdgePort,
            EdgeHttp2Port = options.BasePort == 0 || options.EdgePort == 0 ? FreePort() : r.EdgeHttp2Port,
        })];

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port free on 127.0.0.1 right now, below the kernel's ephemeral range: a port of that range
    /// (what binding port 0 gives) can be taken as the source port of any outgoing connection in the
    /// seconds before the node binds it, and a node that cannot bind exits. Below the range only
    /// another listener could take it. Never the same port twice in one process.
    /// </summary>
    public static int FreePort()
    {
        var (low, _) = EphemeralRange();
        var first = Math.Max(1024, low - 12_000);
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(first, low);
                if (HandedOut.Contains(port) || !CanBind(port))
                {
                    continue;
                }

                HandedOut.Add(port);
                return port;
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The kernel's ephemeral port range (Linux; the common default elsewhere).</summary>
    private static (int Low, int High) EphemeralRange()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception unreadable) when (unreadable is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (32768, 60999);
        }
    }
}
