using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Platform.Client.Models;

namespace Platform.EdgeProxy.Tests.Processes;

/// <summary>The edge authorizes every read itself, from the region's word on the token, and never more widely.</summary>
[Trait("Category", "Integration")]
[Collection(nameof(EdgeRegion))]
public sealed class TokenTests(EdgeRegion region)
{
    [Fact]
    public async Task A_cached_value_is_never_served_to_a_token_that_may_not_read_it()
    {
        var cancel = TestContext.Current.CancellationToken;
        var allowed = await region.NamespaceAsync("team-a", cancel);
        var other = await region.NamespaceAsync("team-b", cancel);
        using var node = region.NodeClient();
        await node.PutAsync(allowed, "k", "a"u8.ToArray(), "text/plain", cancellationToken: cancel);
        await node.PutAsync(other, "k", "b"u8.ToArray(), "text/plain", cancellationToken: cancel);
        var reader = await node.CreateTokenAsync($"reader-{Guid.NewGuid():N}"[..20], [new TokenGrant(allowed, "reader")], cancel);

        // The admin's reads put both values in the edge's cache.
        using var admin = region.EdgeHttp();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"v1/ns/{other}/kv/k", cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"v1/ns/{allowed}/kv/k", cancel)).StatusCode);

        using var limited = region.EdgeHttp(reader.Token);
        using var mine = await limited.GetAsync($"v1/ns/{allowed}/kv/k", cancel);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Equal("hit", mine.Headers.GetValues("X-Config-Cache").Single());
        using var theirs = await limited.GetAsync($"v1/ns/{other}/kv/k", cancel);
        Assert.Equal(HttpStatusCode.Forbidden, theirs.StatusCode);
        using var watch = await limited.GetAsync($"v1/ns/{other}/watch?wait=1s", cancel);
        Assert.Equal(HttpStatusCode.Forbidden, watch.StatusCode);

        // A reader may not write, at the edge as at the node (the write is proxied and refused there).
        using var write = await limited.PutAsync($"v1/ns/{allowed}/kv/k", new StringContent("x", Encoding.UTF8, "text/plain"), cancel);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
    }

    [Fact]
    public async Task An_unknown_token_is_refused_and_asked_about_once_a_second_at_most()
    {
        var cancel = TestContext.Current.CancellationToken;
        var ns = await region.NamespaceAsync("auth", cancel);
        using var stranger = region.EdgeHttp("pt_not-a-token");
        var checks = await region.Edge.UpstreamAsync("auth", cancel);
        for (var i = 0; i < 50; i++)
        {
            using var refused = await stranger.GetAsync($"v1/ns/{ns}/kv/k", cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        Assert.InRange(await region.Edge.UpstreamAsync("auth", cancel) - checks, 1, 3);
        using var bare = new HttpClient { BaseAddress = region.Edge.Http };
        Assert.Equal(HttpStatusCode.Unauthorized, (await bare.GetAsync($"v1/ns/{ns}/kv/k", cancel)).StatusCode);
    }

    [Fact]
    public async Task A_revoked_token_stops_reading_and_its_open_watches_end()
    {
        var cancel = TestContext.Current.CancellationToken;
        var ns = await region.NamespaceAsync("revoke", cancel);
        using var node = region.NodeClient();
        await node.PutAsync(ns, "k", "v"u8.ToArray(), "text/plain", cancellationToken: cancel);
        var name = $"fleet-{Guid.NewGuid():N}"[..20];
        var fleet = await node.CreateTokenAsync(name, [new TokenGrant(ns, "reader")], cancel);
        using var http = region.EdgeHttp(fleet.Token);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"v1/ns/{ns}/kv/k", cancel)).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/ns/{ns}/watch");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var watch = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        Assert.Equal(HttpStatusCode.OK, watch.StatusCode);
        var stream = await watch.Content.ReadAsStreamAsync(cancel);
        var ended = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (await stream.ReadAsync(buffer, cancel) > 0)
            {
                // Progress events until the edge closes the stream.
            }
        }, cancel);

        await node.RevokeTokenAsync(name, cancel);

        // The edge checks tokens in use again every 5 s (this fixture), so both show within seconds.
        await ended.WaitAsync(TimeSpan.FromSeconds(20), cancel);
        await WatchFanOutTests.Eventually(async () =>
        {
            using var refused = await http.GetAsync($"v1/ns/{ns}/kv/k", cancel);
            return refused.StatusCode == HttpStatusCode.Unauthorized;
        }, TimeSpan.FromSeconds(20), cancel);
    }
}
