using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Platform.Global.Hosting;
using Platform.Global.Transport;
using Platform.Regional.Hosting;
using Platform.Regional.Security;

namespace Platform.Global.Tests;

/// <summary>
/// One-node regions in this test process, linked by the inter-region transport with a simulated
/// WAN round trip: real node hosts (an Orleans silo, the write-ahead log, Kestrel) with the global
/// layer, chaos routes enabled, one admin token.
/// </summary>
internal sealed class LinkedRegions(IReadOnlyList<string> regions, TimeSpan wan) : IAsyncDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", "global-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, WebApplication?> hosts = [];
    private readonly Dictionary<string, (int Http, int Inter)> ports = [];

    public IReadOnlyList<string> Regions => regions;

    public string Token { get; } = TokenHash.NewToken();

    public byte[] Secret { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public int HttpPort(string region) => ports[region].Http;

    public int InterPort(string region) => ports[region].Inter;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var region in regions)
        {
            ports[region] = (FreePorts.Next(), FreePorts.Next());
        }

        var peers = regions.Select(r => new PeerEndpoint(r, "node-1", new Uri($"http://127.0.0.1:{ports[r].Inter}"))).ToList();
        foreach (var region in regions)
        {
            var node = new NodeOptions
            {
                Region = region,
                NodeName = "node-1",
                DataDirectory = Path.Combine(dataDirectory, region, "node-1"),
                RegionNodes = ["node-1"],
                Groups = 1,
                AdminTokenHash = TokenHash.Of(Token),
                Chaos = true,
            };
            var links = new InterRegionOptions { Region = region, NodeName = "node-1", Port = ports[region].Inter, Secret = Secret, Peers = peers, WanRoundTrip = wan };
            hosts[region] = NodeHost.Build(node, new NodeEndpoints(ports[region].Http, FreePorts.Next(), FreePorts.Next()), Path.Combine(dataDirectory, region, "membership.json"), extension: new GlobalNodeExtension(links));
        }

        await Task.WhenAll(hosts.Values.Select(h => h!.StartAsync(cancellationToken)));
    }

    /// <summary>An admin client of the region's node.</summary>
    public HttpClient Client(string region)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[region].Http}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>Stops the region's node: the region is lost.</summary>
    public async Task StopAsync(string region)
    {
        if (hosts[region] is { } host)
        {
            hosts[region] = null;
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var region in regions)
        {
            await StopAsync(region);
        }

        Directory.Delete(dataDirectory, recursive: true);
    }
}
