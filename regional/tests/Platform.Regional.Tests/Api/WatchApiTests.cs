using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Regional.Tests.Api;

[Trait("Category", "Integration")]
[Collection(SharedApiRegion.Name)]
public sealed class WatchApiTests(ApiRegion region)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private HttpClient Admin => region.Admin();

    /// <summary>Reads SSE events (id, event, data) from a stream until <paramref name="count"/> arrived.</summary>
    private static async Task<List<(long? Id, string Kind, JsonElement Data)>> ReadEventsAsync(StreamReader reader, int count)
    {
        var events = new List<(long?, string, JsonElement)>();
        long? id = null;
        string kind = "message";
        while (events.Count < count)
        {
            var line = await reader.ReadLineAsync(Cancel) ?? throw new EndOfStreamException("the watch ended early");
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                kind = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((id, kind, JsonDocument.Parse(line[6..]).RootElement.Clone()));
                id = null;
                kind = "message";
            }
        }

        return events;
    }

    private static HttpRequestMessage Watch(string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return request;
    }

    [Fact]
    public async Task One_token_holds_a_bounded_number_of_dashboard_feeds_on_a_node()
    {
        using var created = await Admin.PostAsJsonAsync("/v1/tokens", new { name = "feed-reader", grants = new[] { new { @namespace = "*", role = "reader" } } }, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("token").GetString();
        using var reader = ApiRegion.Client(region.Endpoints[2], token);
        var feeds = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                var feed = await reader.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/dashboard/stream"), HttpCompletionOption.ResponseHeadersRead, Cancel);
                feeds.Add(feed);
                Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
            }

            using var refused = await reader.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/dashboard/stream"), HttpCompletionOption.ResponseHeadersRead, Cancel);
            Assert.Equal((HttpStatusCode)429, refused.StatusCode);
            await refused.AssertProblemAsync((HttpStatusCode)429, "Overloaded");
            Assert.NotNull(refused.Headers.RetryAfter);
        }
        finally
        {
            foreach (var feed in feeds)
            {
                feed.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_revoked_tokens_watch_on_a_node_ends_and_gets_no_change_made_after_the_revocation()
    {
        await Admin.CreateNamespaceAsync("revoked-watch");
        using var created = await Admin.PostAsJsonAsync("/v1/tokens", new { name = "watch-reader", grants = new[] { new { @namespace = "revoked-watch", role = "reader" } } }, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("token").GetString();
        using var reader = ApiRegion.Client(region.Endpoints[1], token);
        using var before = await Admin.PutAsync("/v1/ns/revoked-watch/kv/k", new StringContent("before"), Cancel);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        using var watch = await reader.SendAsync(Watch("/v1/ns/revoked-watch/watch?since=0"), HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal(HttpStatusCode.OK, watch.StatusCode);
        using var stream = new StreamReader(await watch.Content.ReadAsStreamAsync(Cancel));
        Assert.Equal("before", System.Text.Encoding.UTF8.GetString((await ReadEventsAsync(stream, 1))[0].Data.GetProperty("value").GetBytesFromBase64()));

        using var revoke = await Admin.DeleteAsync("/v1/tokens/watch-reader", Cancel);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        await Eventually.HoldsAsync(async () =>
        {
            using var refused = await reader.GetAsync("/v1/ns/revoked-watch/kv/k", Cancel);
            return refused.StatusCode == HttpStatusCode.Unauthorized;
        });
        using var after = await Admin.PutAsync("/v1/ns/revoked-watch/kv/k", new StringContent("secret-after-revocation"), Cancel);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);

        // The stream ends, and carries nothing written after the node knew of the revocation.
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        ending.CancelAfter(TimeSpan.FromSeconds(15));
        var rest = await stream.ReadToEndAsync(ending.Token);
        Assert.DoesNotContain(Convert.ToBase64String("secret-after-revocation"u8.ToArray()), rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_watch_streams_changes_in_order_and_resumes_after_the_last_event_id()
    {
        await Admin.CreateNamespaceAsync("watched");
        using var stream = await region.Admin(1).SendAsync(Watch("/v1/ns/watched/watch?prefix=app/&since=0"), HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(Cancel));

        await Admin.PutTextAsync("watched", "app/a", "1");
        await Admin.PutTextAsync("watched", "skip/b", "x");
        await Admin.PutTextAsync("watched", "app/a", "2");
        await Admin.DeleteAsync("/v1/ns/watched/kv/app/a", Cancel);
        var events = await ReadEventsAsync(reader, 3);

        Assert.Equal(["put", "put", "delete"], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal("app/a", e.Data.GetProperty("key").GetString()));
        Assert.Equal(events.Select(e => e.Id), events.Select(e => (long?)e.Data.GetProperty("revision").GetInt64()));
        Assert.True(events[0].Id < events[1].Id && events[1].Id < events[2].Id);
        Assert.Equal("Mg==", events[1].Data.GetProperty("value").GetString());

        // Resuming after the first event replays exactly what followed it.
        using var resumed = await region.Admin(2).SendAsync(Watch("/v1/ns/watched/watch?prefix=app/", events[0].Id!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)), HttpCompletionOption.ResponseHeadersRead, Cancel);
        using var resumedReader = new StreamReader(await resumed.Content.ReadAsStreamAsync(Cancel));
        var replayed = await ReadEventsAsync(resumedReader, 2);
        Assert.Equal(events.Skip(1).Select(e => e.Id), replayed.Select(e => e.Id));
    }

    [Fact]
    public async Task A_long_poll_returns_as_soon_as_there_is_an_event_or_empty_when_the_wait_ends()
    {
        await Admin.CreateNamespaceAsync("polled");
        var written = await Admin.PutTextAsync("polled", "k", "1");
        var revision = written.GetProperty("revision").GetInt64();

        using var empty = await Admin.GetAsync($"/v1/ns/polled/watch?since={revision}&wait=300ms", Cancel);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal(0, (await empty.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetArrayLength());

        var poll = region.Admin(2).GetAsync($"/v1/ns/polled/watch?since={revision}&wait=20s", Cancel);
        await Task.Delay(200, Cancel);
        await Admin.PutTextAsync("polled", "k", "2");
        using var answer = await poll;
        var events = await answer.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(1, events.GetArrayLength());
        Assert.Equal(revision + 1, events[0].GetProperty("revision").GetInt64());
    }
}
