using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Platform.EdgeProxy.Tests.Processes;

/// <summary>Writes pass through the edge to the region, and a writer can read its own write back through the cache.</summary>
[Trait("Category", "Integration")]
[Collection(nameof(EdgeRegion))]
public sealed class ReadYourWritesTests(EdgeRegion region)
{
    [Fact]
    public async Task A_write_through_the_edge_is_read_back_with_min_revision()
    {
        var cancel = TestContext.Current.CancellationToken;
        var ns = await region.NamespaceAsync("ryw", cancel);
        using var http = region.EdgeHttp();
        using (var warm = await http.GetAsync($"v1/ns/{ns}/kv/limits/rps", cancel))
        {
            Assert.Equal(HttpStatusCode.NotFound, warm.StatusCode);
        }

        for (var i = 0; i < 20; i++)
        {
            using var put = await http.PutAsync($"v1/ns/{ns}/kv/limits/rps", new StringContent($"{i * 100}", Encoding.UTF8, "text/plain"), cancel);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            using var written = JsonDocument.Parse(await put.Content.ReadAsStringAsync(cancel));
            var revision = written.RootElement.GetProperty("revision").GetInt64();

            using var read = await http.GetAsync($"v1/ns/{ns}/kv/limits/rps?minRevision={revision}", cancel);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal($"{i * 100}", await read.Content.ReadAsStringAsync(cancel));
            Assert.True(long.Parse(read.Headers.GetValues("X-Config-Revision").Single(), System.Globalization.CultureInfo.InvariantCulture) >= revision);
            Assert.Equal($"\"{revision}\"", read.Headers.ETag?.Tag);
        }
    }

    [Fact]
    public async Task A_write_at_the_region_reaches_cached_readers_within_the_watch_delay()
    {
        var cancel = TestContext.Current.CancellationToken;
        var ns = await region.NamespaceAsync("fresh", cancel);
        using var http = region.EdgeHttp();
        using var node = region.NodeClient();
        await node.PutAsync(ns, "color", "red"u8.ToArray(), "text/plain", cancellationToken: cancel);
        using (var first = await http.GetAsync($"v1/ns/{ns}/kv/color", cancel))
        {
            Assert.Equal("red", await first.Content.ReadAsStringAsync(cancel));
        }

        var fetches = await region.Edge.UpstreamAsync("fetch", cancel);
        await node.PutAsync(ns, "color", "blue"u8.ToArray(), "text/plain", cancellationToken: cancel);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var read = await http.GetAsync($"v1/ns/{ns}/kv/color", cancel);
            Assert.Equal("hit", read.Headers.GetValues("X-Config-Cache").Single());
            if (await read.Content.ReadAsStringAsync(cancel) == "blue")
            {
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the write never reached the edge's cache");
            await Task.Delay(5, cancel);
        }

        // The new value came on the watch: no fetch was needed.
        Assert.Equal(fetches, await region.Edge.UpstreamAsync("fetch", cancel));
    }
}
