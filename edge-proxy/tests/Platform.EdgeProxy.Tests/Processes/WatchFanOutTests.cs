using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Platform.EdgeProxy.Tests.Processes;

/// <summary>A fleet watching one namespace through the edge: one upstream watch, every watcher told of every write.</summary>
[Trait("Category", "Integration")]
[Collection(nameof(EdgeRegion))]
public sealed class WatchFanOutTests(EdgeRegion region)
{
    private const int Watchers = 10_000;

    [Fact]
    public async Task Ten_thousand_watchers_share_one_upstream_watch_and_all_see_a_write()
    {
        var cancel = TestContext.Current.CancellationToken;
        var ns = await region.NamespaceAsync("fanout", cancel);
        var watchesBefore = await region.Edge.UpstreamAsync("watch", cancel);
        using var http = region.EdgeHttp(http2: true);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var opened = 0;
        var clock = Stopwatch.StartNew();
        var received = new long[Watchers];
        var watchers = Enumerable.Range(0, Watchers).Select(i => Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/ns/{ns}/watch") { Version = http.DefaultRequestVersion, VersionPolicy = http.DefaultVersionPolicy };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var answer = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
            if (!answer.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(stop.Token)}");
            }

            Interlocked.Increment(ref opened);
            using var reader = new StreamReader(await answer.Content.ReadAsStreamAsync(stop.Token), Encoding.UTF8);
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (line == "event: put")
                {
                    received[i] = clock.ElapsedTicks;
                    return;
                }
            }
        }, stop.Token)).ToList();

        await Eventually(() => Task.FromResult(Volatile.Read(ref opened) == Watchers || watchers.Any(w => w.IsFaulted)), TimeSpan.FromMinutes(2), cancel);
        Assert.True(!watchers.Any(w => w.IsFaulted), watchers.FirstOrDefault(w => w.IsFaulted)?.Exception?.ToString());
        await Eventually(async () => await region.Edge.MetricAsync("platform_watchers", null, cancel) >= Watchers, TimeSpan.FromSeconds(30), cancel);

        using (var node = region.NodeClient())
        {
            var sent = clock.ElapsedTicks;
            await node.PutAsync(ns, "endpoints/payments", "10.0.0.7:443"u8.ToArray(), "text/plain", cancellationToken: cancel);
            await Task.WhenAll(watchers).WaitAsync(TimeSpan.FromMinutes(2), cancel);
            var delays = received.Select(t => (t - sent) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
            TestContext.Current.SendDiagnosticMessage($"{Watchers} watchers: delivery p50 {delays[Watchers / 2]:F0} ms, p99 {delays[(int)(Watchers * 0.99)]:F0} ms, max {delays[^1]:F0} ms");
        }

        Assert.All(received, t => Assert.NotEqual(0, t));
        Assert.Equal(watchesBefore + 1, await region.Edge.UpstreamAsync("watch", cancel));
        await stop.CancelAsync();
    }

    internal static async Task Eventually(Func<Task<bool>> condition, TimeSpan bound, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not so within {bound}");
            }

            await Task.Delay(100, cancel);
        }
    }
}
