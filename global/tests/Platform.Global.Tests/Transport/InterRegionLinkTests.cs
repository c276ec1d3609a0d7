using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Platform.Global.Hosting;
using Platform.Global.Transport;
using Platform.Regional.Hosting;
using Platform.Regional.Security;

namespace Platform.Global.Tests.Transport;

/// <summary>Two one-node regions connected by the inter-region transport, with an 80 ms simulated WAN round trip.</summary>
[Trait("Category", "Integration")]
public sealed class InterRegionLinkTests : IAsyncLifetime
{
    private static readonly TimeSpan Wan = TimeSpan.FromMilliseconds(80);
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", "inter-" + Guid.NewGuid().ToString("N"));
    private readonly string token = TokenHash.NewToken();
    private readonly byte[] secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
    private readonly List<WebApplication> hosts = [];
    private readonly Dictionary<string, (int Http, int Inter)> ports = [];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        string[] regions = ["eu-west", "us-east"];
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
                AdminTokenHash = TokenHash.Of(token),
            };
            var links = new InterRegionOptions { Region = region, NodeName = "node-1", Port = ports[region].Inter, Secret = secret, Peers = peers, WanRoundTrip = Wan };
            var host = NodeHost.Build(node, new NodeEndpoints(ports[region].Http, FreePorts.Next(), FreePorts.Next()), Path.Combine(dataDirectory, region, "membership.json"), extension: new GlobalNodeExtension(links));
            hosts.Add(host);
            await host.StartAsync(Cancel);
        }
    }

    [Fact]
    public async Task Status_shows_the_other_region_reachable_across_one_wan_round_trip()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports["eu-west"].Http}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        JsonElement other = default;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Cancel);
            if (response.IsSuccessStatusCode)
            {
                var regions = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("regions").EnumerateArray().ToList();
                other = regions.Single(r => r.GetProperty("name").GetString() == "us-east");
                if (other.GetProperty("reachable").GetBoolean())
                {
                    break;
                }
            }

            await Task.Delay(200, Cancel);
        }

        Assert.True(other.GetProperty("reachable").GetBoolean());
        Assert.True(other.GetProperty("rttMs").GetDouble() >= Wan.TotalMilliseconds, $"measured {other.GetProperty("rttMs").GetDouble()} ms");
    }

    [Fact]
    public async Task Requests_without_valid_credentials_are_refused_and_each_port_serves_only_its_routes()
    {
        using var h2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var inter = new Uri($"http://127.0.0.1:{ports["us-east"].Inter}");

        using var unsigned = await h2.PostAsync(new Uri(inter, "/inter/v1/ping"), new ByteArrayContent([]), Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);

        using var forged = new HttpRequestMessage(HttpMethod.Post, new Uri(inter, "/inter/v1/ping"))
        {
            Content = new ByteArrayContent([]),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        forged.Headers.Add(RequestSignature.FromHeader, "eu-west/node-1");
        forged.Headers.Add(RequestSignature.TimestampHeader, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        forged.Headers.Add(RequestSignature.SignatureHeader, new string('0', 64));
        using var refused = await h2.SendAsync(forged, Cancel);
        Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{refused.StatusCode}: {await refused.Content.ReadAsStringAsync(Cancel)}");

        using var clientApi = await h2.GetAsync(new Uri(inter, "/v1/status"), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, clientApi.StatusCode);
        using var http1 = new HttpClient();
        using var interOnClientPort = await http1.PostAsync(new Uri($"http://127.0.0.1:{ports["us-east"].Http}/inter/v1/ping"), new ByteArrayContent([]), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, interOnClientPort.StatusCode);

        // The transport's own client signs, and is answered.
        var links = new InterRegionOptions { Region = "eu-west", NodeName = "node-1", Port = 1, Secret = secret };
        using var signed = new InterRegionClient(links, TimeProvider.System);
        var (status, body) = await signed.PostAsync(new PeerEndpoint("us-east", "node-1", inter), "/inter/v1/ping", [], Cancel);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("us-east", InterRegionEndpoint.ParsePing(body)!.Region);
    }


    public async ValueTask DisposeAsync()
    {
        foreach (var host in hosts)
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }

        Directory.Delete(dataDirectory, recursive: true);
    }
}
