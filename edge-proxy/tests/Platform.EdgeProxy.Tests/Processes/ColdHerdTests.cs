using System.Net;

namespace Platform.EdgeProxy.Tests.Processes;

/// <summary>A fleet restarting together: every machine asks for the same key at once, and the region sees one request.</summary>
[Trait("Category", "Integration")]
[Collection(nameof(EdgeRegion))]
public sealed class ColdHerdTests(EdgeRegion region)
{
    private const int Clients = 10_000;

    [Fact]
    public async Task Ten_thousand_concurrent_cold_reads_of_a_key_cost_one_upstream_fetch()
    {
        var cancel = TestContext.Current.CancellationToken;
        var ns = await region.NamespaceAsync("herd", cancel);
        using (var node = region.NodeClient())
        {
            await node.PutAsync(ns, "feature/checkout", "enabled-for-10-percent"u8.ToArray(), "text/plain", cancellationToken: cancel);
        }

        var fetchesBefore = await region.Edge.UpstreamAsync("fetch", cancel);

        // HTTP/2 streams over a few connections: 10,000 requests in flight without 10,000 sockets.
        using var http = region.EdgeHttp(http2: true);
        using var go = new ManualResetEventSlim();
        var reads = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            go.Wait(cancel);
            using var answer = await http.GetAsync($"v1/ns/{ns}/kv/feature/checkout", cancel);
            return (answer.StatusCode, Body: await answer.Content.ReadAsStringAsync(cancel),
                Cache: answer.Headers.TryGetValues("X-Config-Cache", out var cache) ? cache.Single() : null,
                Revision: answer.Headers.TryGetValues("X-Config-Revision", out var revision) ? revision.Single() : null);
        }, cancel)).ToList();
        go.Set();
        var answers = await Task.WhenAll(reads);

        Assert.All(answers, a => Assert.Equal((HttpStatusCode.OK, "enabled-for-10-percent"), (a.StatusCode, a.Body)));
        Assert.Single(answers.Select(a => a.Revision).Distinct());
        Assert.Equal(1, answers.Count(a => a.Cache == "miss"));
        Assert.Equal(Clients - 1, answers.Count(a => a.Cache is "coalesced" or "hit"));
        Assert.Equal(fetchesBefore + 1, await region.Edge.UpstreamAsync("fetch", cancel));
    }
}
