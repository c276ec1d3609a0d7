using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Platform.EdgeProxy.Tests.Processes;

/// <summary>
/// The region goes away (frozen, then killed and restarted): the edge serves what it has seen,
/// saying it is stale, refuses what it cannot vouch for (values it never saw, reads that name a
/// revision, and everything once its token checks are too old), and when the region returns
/// resumes its watch from where it was: a watcher resuming from its revision misses nothing and
/// is never told to relist.
/// </summary>
[Trait("Category", "Integration")]
[Collection(nameof(EdgeRegion))]
public sealed class RegionDownTests(EdgeRegion region)
{
    [Fact]
    public async Task Cached_keys_are_served_stale_new_keys_refused_and_the_watch_resumes_with_nothing_missed()
    {
        var cancel = TestContext.Current.CancellationToken;
        var ns = await region.NamespaceAsync("down", cancel);
        long written;
        using (var node = region.NodeClient())
        {
            written = (await node.PutAsync(ns, "db/primary", "10.0.0.1"u8.ToArray(), "text/plain", cancellationToken: cancel)).Revision;
        }

        using var http = region.EdgeHttp();
        using (var first = await http.GetAsync($"v1/ns/{ns}/kv/db/primary", cancel))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // A watcher through the whole outage, resuming by revision as fleet clients do.
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var seen = new List<(long Revision, string Type)>();
        var watcher = WatchAsync(http, ns, written, seen, watching.Token);

        region.Node.Freeze();
        try
        {
            await WatchFanOutTests.Eventually(async () => !await ReadyAsync(http, cancel), TimeSpan.FromSeconds(30), cancel);

            using var stale = await http.GetAsync($"v1/ns/{ns}/kv/db/primary", cancel);
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
            Assert.Equal("10.0.0.1", await stale.Content.ReadAsStringAsync(cancel));
            Assert.Equal("true", Header(stale, "X-Config-Stale"));
            Assert.Equal("stale", Header(stale, "X-Config-Cache"));
            Assert.True(stale.Headers.Age is { } age && age >= TimeSpan.Zero, "a stale answer says its age");

            using var unknown = await http.GetAsync($"v1/ns/{ns}/kv/db/replica", cancel);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unknown.StatusCode);
            Assert.True(unknown.Headers.RetryAfter?.Delta is { } retry && retry >= TimeSpan.FromSeconds(1) && retry <= TimeSpan.FromSeconds(3));

            // Never stale for a read that asks for a revision, or for linearizable reads.
            using var pinned = await http.GetAsync($"v1/ns/{ns}/kv/db/primary?minRevision={written}&timeout=1s", cancel);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, pinned.StatusCode);
            using var linearizable = await http.GetAsync($"v1/ns/{ns}/kv/db/primary?consistency=linearizable", cancel);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, linearizable.StatusCode);
            Assert.Equal("application/problem+json", linearizable.Content.Headers.ContentType?.MediaType);

            // Fail static serves old values, never old permissions: once the token's last check is
            // older than the edge honours (12 s here), the cached value is refused too.
            await WatchFanOutTests.Eventually(async () =>
            {
                using var refused = await http.GetAsync($"v1/ns/{ns}/kv/db/primary", cancel);
                return refused.StatusCode == HttpStatusCode.ServiceUnavailable;
            }, TimeSpan.FromSeconds(30), cancel);
        }
        finally
        {
            // Killed while frozen: the edge's watch connection dies with it, as in a crash.
            region.Node.Thaw();
            region.Node.Kill();
        }

        region.Node.Start();
        await region.WaitReadyAsync(TimeSpan.FromSeconds(90), cancel);
        var later = new List<long>();
        using (var node = region.NodeClient())
        {
            for (var i = 0; i < 5; i++)
            {
                later.Add((await node.PutAsync(ns, "db/primary", Encoding.UTF8.GetBytes($"10.0.1.{i}"), "text/plain", cancellationToken: cancel)).Revision);
            }
        }

        await WatchFanOutTests.Eventually(async () =>
        {
            using var fresh = await http.GetAsync($"v1/ns/{ns}/kv/db/primary", cancel);
            return fresh.StatusCode == HttpStatusCode.OK && await fresh.Content.ReadAsStringAsync(cancel) == "10.0.1.4" && Header(fresh, "X-Config-Cache") == "hit";
        }, TimeSpan.FromSeconds(30), cancel);

        await WatchFanOutTests.Eventually(() => Task.FromResult(Count(seen) >= later.Count), TimeSpan.FromSeconds(30), cancel);
        await watching.CancelAsync();
        await watcher;
        lock (seen)
        {
            Assert.Equal(later, seen.Where(e => e.Type == "put").Select(e => e.Revision));
            Assert.DoesNotContain(seen, e => e.Type == "compacted");
        }
    }

    private static int Count(List<(long Revision, string Type)> seen)
    {
        lock (seen)
        {
            return seen.Count(e => e.Type == "put");
        }
    }

    private static async Task<bool> ReadyAsync(HttpClient http, CancellationToken cancel)
    {
        using var ready = await http.GetAsync("readyz", cancel);
        return ready.IsSuccessStatusCode;
    }

    private static string? Header(HttpResponseMessage answer, string name) =>
        answer.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    /// <summary>
    /// A watcher as a fleet client runs one: it resumes from the last revision it saw whenever its
    /// stream ends (the edge closes watches whose token it can no longer vouch for) or is refused.
    /// </summary>
    private static async Task WatchAsync(HttpClient http, string ns, long since, List<(long Revision, string Type)> seen, CancellationToken stop)
    {
        var last = since;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/ns/{ns}/watch?since={last}");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                using var answer = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
                if (answer.IsSuccessStatusCode)
                {
                    using var reader = new StreamReader(await answer.Content.ReadAsStreamAsync(stop), Encoding.UTF8);
                    long id = 0;
                    while (await reader.ReadLineAsync(stop) is { } line)
                    {
                        if (line.StartsWith("id: ", StringComparison.Ordinal))
                        {
                            id = long.Parse(line[4..], CultureInfo.InvariantCulture);
                        }
                        else if (line.StartsWith("event: ", StringComparison.Ordinal) && line[7..] is "put" or "delete" or "compacted")
                        {
                            lock (seen)
                            {
                                seen.Add((id, line[7..]));
                            }

                            last = Math.Max(last, id);
                        }
                    }
                }

                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception broken) when (broken is HttpRequestException or IOException)
            {
                await Task.Delay(200, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
