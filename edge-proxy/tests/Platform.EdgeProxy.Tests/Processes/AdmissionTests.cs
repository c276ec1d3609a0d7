using System.Net;

namespace Platform.EdgeProxy.Tests.Processes;

/// <summary>What does not fit toward the region is refused at once with 429 and a jittered Retry-After, never queued without end.</summary>
[Trait("Category", "Integration")]
[Collection(nameof(EdgeRegion))]
public sealed class AdmissionTests(EdgeRegion region)
{
    [Fact]
    public async Task A_token_over_its_rate_gets_429_while_cache_hits_stay_free()
    {
        var cancel = TestContext.Current.CancellationToken;
        var ns = await region.NamespaceAsync("admit", cancel);
        using (var node = region.NodeClient())
        {
            await node.PutAsync(ns, "hot", "v"u8.ToArray(), "text/plain", cancellationToken: cancel);
        }

        using var edge = await EdgeProcess.StartAsync(EdgeRegion.RegionName, [region.Node.Http], region.Token, ["--token-rate", "5", "--token-burst", "5"], cancel);
        using var http = new HttpClient { BaseAddress = edge.Http };
        http.DefaultRequestHeaders.Authorization = new("Bearer", region.Token);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"v1/ns/{ns}/kv/hot", cancel)).StatusCode);

        // 40 misses of distinct keys at once: the bucket holds 5 (one already spent).
        var misses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => http.GetAsync($"v1/ns/{ns}/kv/cold-{i}", cancel)));
        var refused = misses.Where(m => m.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(refused.Count, 30, 36);
        Assert.All(misses.Except(refused), m => Assert.Equal(HttpStatusCode.NotFound, m.StatusCode));
        Assert.All(refused, m => Assert.InRange(m.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)));
        Assert.Equal("Overloaded", System.Text.Json.JsonDocument.Parse(await refused[0].Content.ReadAsStringAsync(cancel)).RootElement.GetProperty("code").GetString());

        // Hits cost the region nothing and are not counted against the token.
        for (var i = 0; i < 50; i++)
        {
            using var hit = await http.GetAsync($"v1/ns/{ns}/kv/hot", cancel);
            Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        }

        foreach (var miss in misses)
        {
            miss.Dispose();
        }
    }
}
