namespace Platform.Cli.Up;

/// <summary>One node of a local platform and the ports it binds on 127.0.0.1.</summary>
public sealed record LocalNode(string Region, string Name, int HttpPort, int SiloPort, int GatewayPort, int InterRegionPort)
{
    public string HttpUrl => $"http://127.0.0.1:{HttpPort}";

    public string InterRegionUrl => $"http://127.0.0.1:{InterRegionPort}";
}

/// <summary>
/// One region of a local platform: its nodes, its inter-region endpoint (node-1's) and its edge
/// proxy's ports (HTTP/1.1, and HTTP/2 without TLS on a port of its own, as Kestrel requires).
/// </summary>
public sealed record LocalRegion(string Name, IReadOnlyList<LocalNode> Nodes, int EdgePort)
{
    public const int EdgeHttp2Offset = 1000;

    public int EdgeHttp2Port { get; init; } = EdgePort + EdgeHttp2Offset;

    public string EdgeHttp2Url => $"http://127.0.0.1:{EdgeHttp2Port}";

    public int InterRegionPort => Nodes[0].InterRegionPort;

    public string InterRegionUrl => $"http://127.0.0.1:{InterRegionPort}";
    public string EdgeUrl => $"http://127.0.0.1:{EdgePort}";
}

/// <summary>
/// The port layout of <c>platform up</c> (docs/api.md, Files and cluster.json): region r (from 0) and node i
/// (from 1) get HTTP base+100r+i, silo base+4000+100r+i, gateway base+5000+100r+i, and an
/// inter-region endpoint base+100r+100-i (so node-1's, base+100r+99, is the region's entry in
/// cluster.json); edge proxies take consecutive ports from the edge port, and their HTTP/2 ports
/// the same 1000 above.
/// Fixed arithmetic keeps every endpoint predictable across restarts, so data directories and
/// operators' bookmarks stay valid.
/// </summary>
public static class LocalTopology
{
    public const int RegionPortStride = 100;
    public const int SiloPortOffset = 4000;
    public const int GatewayPortOffset = 5000;
    public const int InterRegionPortIndex = 99;

    public static IReadOnlyList<LocalRegion> Plan(UpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var regions = new List<LocalRegion>(options.Regions.Count);
        for (var r = 0; r < options.Regions.Count; r++)
        {
            var regionBase = options.BasePort + (r * RegionPortStride);
            var nodes = new List<LocalNode>(options.NodesPerRegion);
            for (var i = 1; i <= options.NodesPerRegion; i++)
            {
                nodes.Add(new LocalNode(
                    options.Regions[r],
                    $"node-{i}",
                    regionBase + i,
                    regionBase + SiloPortOffset + i,
                    regionBase + GatewayPortOffset + i,
                    regionBase + InterRegionPortIndex + 1 - i));
            }

            regions.Add(new LocalRegion(options.Regions[r], nodes, options.EdgePort + r));
        }

        return regions;
    }
}
