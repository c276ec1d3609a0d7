using System.Net;
using System.Text;
using System.Text.Json;
using Platform.Cli.Tests.Processes;

namespace Platform.EdgeProxy.Tests.Processes;

/// <summary>
/// `platform up` with three one-node regions and an edge each: writes go through the edge to its
/// own region, and to the nearest other region while its own is down; that region's node forwards
/// to the strong-global leader. Reads through another region's edge see the write. Cached reads of
/// a local-commit namespace homed elsewhere carry the copy's lag.
/// </summary>
[Trait("Category", "Integration")]
[Collection(nameof(NearestRegionRoutingTests))]
public sealed class NearestRegionRoutingTests
{
    [Fact]
    public async Task Writes_fail_over_to_another_regions_nodes_while_the_edges_own_region_is_down()
    {
        var cancel = TestContext.Current.CancellationToken;
        var data = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));
        await using var up = await PlatformUpRun.StartAsync(data, ["--regions", "eu-west,us-east,ap-south", "--nodes", "1", "--base-port", "0"], cancel);
        var regions = up.Cluster.Regions;
        Assert.All(regions, r => Assert.NotNull(r.Edge));
        using var west = Edge(regions[0].Edge!.Http, up.Cluster.AdminToken!);
        using var east = Edge(regions[1].Edge!.Http, up.Cluster.AdminToken!);

        // Admin routes pass through the edge too.
        using (var created = await west.PutAsync("v1/namespaces/routing", new StringContent("""{"mode":"strong-global"}""", Encoding.UTF8, "application/json"), cancel))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(cancel));
        }

        Assert.Equal("eu-west", await WriteAsync(west, "before", cancel));

        // A local-commit namespace homed elsewhere: eu-west's edge reads it from eu-west's copy and
        // says how far behind the home that copy is, as the region's own serializable reads do.
        using (var created = await west.PutAsync("v1/namespaces/remote-home", new StringContent("""{"mode":"local-commit","homeRegion":"us-east"}""", Encoding.UTF8, "application/json"), cancel))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(cancel));
        }

        using (var put = await west.PutAsync("v1/ns/remote-home/kv/k", new StringContent("v", Encoding.UTF8, "text/plain"), cancel))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(cancel));
        }

        await WatchFanOutTests.Eventually(async () =>
        {
            using var read = await west.GetAsync("v1/ns/remote-home/kv/k", cancel);
            return read.StatusCode == HttpStatusCode.OK && read.Headers.Contains("X-Config-Lag-Ms");
        }, TimeSpan.FromSeconds(30), cancel);

        NodeProcess.Signal(regions[0].Nodes[0].Pid, stop: true);
        try
        {
            await WatchFanOutTests.Eventually(async () => (await west.GetAsync("readyz", cancel)).StatusCode == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), cancel);

            // The strong-global group may need a moment to elect without eu-west.
            string? servedBy = null;
            await WatchFanOutTests.Eventually(async () => (servedBy = await WriteAsync(west, "during", cancel)) is not null, TimeSpan.FromSeconds(60), cancel);
            Assert.NotEqual("eu-west", servedBy);

            using var read = await east.GetAsync("v1/ns/routing/kv/during?consistency=linearizable", cancel);
            Assert.Equal("during", await read.Content.ReadAsStringAsync(cancel));
        }
        finally
        {
            NodeProcess.Signal(regions[0].Nodes[0].Pid, stop: false);
        }
    }

    private static HttpClient Edge(string url, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return http;
    }

    /// <summary>Writes the key with its own name as value; the region that took it, or null when refused.</summary>
    private static async Task<string?> WriteAsync(HttpClient edge, string key, CancellationToken cancel)
    {
        using var put = await edge.PutAsync($"v1/ns/routing/kv/{key}", new StringContent(key, Encoding.UTF8, "text/plain"), cancel);
        if (!put.IsSuccessStatusCode)
        {
            return null;
        }

        using var written = JsonDocument.Parse(await put.Content.ReadAsStringAsync(cancel));
        return written.RootElement.GetProperty("region").GetString();
    }
}

[CollectionDefinition(nameof(NearestRegionRoutingTests), DisableParallelization = true)]
public sealed class NearestRegionRoutingSuite;
