using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Platform.Global.Hosting;
using Platform.Global.Transport;
using Platform.Regional.Hosting;
using Platform.Regional.Security;

namespace Platform.Global.Tests;

/// <summary>
/// Regions of one or more nodes in this test process, linked by the inter-region transport with a
/// simulated WAN round trip: real node hosts (an Orleans silo per node, the write-ahead log,
/// Kestrel) with the global layer, chaos routes enabled, one admin token. Nodes can be stopped,
/// wiped and started again on the same ports.
/// </summary>
internal sealed class LinkedRegions(IReadOnlyList<string> regions, TimeSpan wan, int nodesPerRegion = 1, int? globalVotersPerRegion = null) : IAsyncDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", "global-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<(string Region, int Node), WebApplication?> hosts = [];
    private readonly Dictionary<(string Region, int Node), (int Http, int Inter, int Silo, int Gateway)> ports = [];
    private List<PeerEndpoint> peers = [];

    public IReadOnlyList<string> Regions => regions;

    public string Token { get; } = TokenHash.NewToken();

    /// <summary>How long a home region stays unreachable before namespaces with autoFailover move (the nodes' default unless set before starting).</summary>
    public TimeSpan? AutoFailoverAfter { get; init; }

    public byte[] Secret { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public static string NodeName(int node) => $"node-{node + 1}";

    public int HttpPort(string region, int node = 0) => ports[(region, node)].Http;

    public int InterPort(string region, int node = 0) => ports[(region, node)].Inter;

    public string NodeDirectory(string region, int node = 0) => Path.Combine(dataDirectory, region, NodeName(node));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var region in regions)
        {
            for (var node = 0; node < nodesPerRegion; node++)
            {
                ports[(region, node)] = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
            }
        }

        peers = [.. ports.Select(p => new PeerEndpoint(p.Key.Region, NodeName(p.Key.Node), new Uri($"http://127.0.0.1:{p.Value.Inter}")))];
        await Task.WhenAll(ports.Keys.Select(key => StartNodeAsync(key.Region, key.Node, cancellationToken)));
    }

    /// <summary>Starts (or starts again) one node on its ports and data directory.</summary>
    public async Task StartNodeAsync(string region, int node, CancellationToken cancellationToken)
    {
        var (http, inter, silo, gateway) = ports[(region, node)];
        var options = new NodeOptions
        {
            Region = region,
            NodeName = NodeName(node),
            DataDirectory = NodeDirectory(region, node),
            RegionNodes = [.. Enumerable.Range(0, nodesPerRegion).Select(NodeName)],
            Groups = 1,
            AdminTokenHash = TokenHash.Of(Token),
            Chaos = true,
        };
        var links = new InterRegionOptions { Region = region, NodeName = NodeName(node), Port = inter, Secret = Secret, Peers = peers, WanRoundTrip = wan, GlobalVotersPerRegion = globalVotersPerRegion };
        if (AutoFailoverAfter is { } after)
        {
            links = links with { AutoFailoverAfter = after };
        }

        var host = NodeHost.Build(options, new NodeEndpoints(http, silo, gateway), Path.Combine(dataDirectory, region, "membership.json"), extension: new GlobalNodeExtension(links));
        hosts[(region, node)] = host;
        await host.StartAsync(cancellationToken);
    }

    /// <summary>A running node's services (to reach its groups the way its own code does).</summary>
    public IServiceProvider Services(string region, int node = 0) => hosts[(region, node)]?.Services ?? throw new InvalidOperationException($"{region}/{NodeName(node)} is not running");

    /// <summary>An admin client of one node of the region (node-1 unless told).</summary>
    public HttpClient Client(string region, int node = 0)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort(region, node)}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>Stops every node of the region: the region is lost.</summary>
    public async Task StopAsync(string region)
    {
        for (var node = 0; node < nodesPerRegion; node++)
        {
            await StopNodeAsync(region, node);
        }
    }

    public async Task StopNodeAsync(string region, int node)
    {
        if (hosts.GetValueOrDefault((region, node)) is { } host)
        {
            hosts[(region, node)] = null;
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var key in hosts.Keys.ToList())
        {
            await StopNodeAsync(key.Region, key.Node);
        }

        Directory.Delete(dataDirectory, recursive: true);
    }
}
