using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Platform.Client.Models;

namespace Platform.EdgeProxy.Tests.Processes;

/// <summary>
/// Each probe of the security review run against a node and its edge while a normal client reads a
/// cached key through the edge: the probe's limit holds, and the normal client's p99 under the probe
/// stays within twice its quiet p99 over the same rounds, floored at 1 ms (quiet p99s are 0.1-0.2 ms
/// here, and below a millisecond two quiet runs differ by more than twice; the amplification the
/// review found took the p99 to 446 ms). Every abuse is a bounded loop on loopback: four loops of
/// about 250 requests a second each.
/// </summary>
[Trait("Category", "Integration")]
[Collection(nameof(EdgeRegion))]
public sealed class AbuseLatencyTests(EdgeRegion region)
{
    private static readonly TimeSpan WarmFor = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PhaseFor = TimeSpan.FromSeconds(1);
    private const int Rounds = 3;
    private static readonly TimeSpan LatencyFloor = TimeSpan.FromMilliseconds(1);
    private const int Abusers = 4;
    private static readonly TimeSpan AbusePause = TimeSpan.FromMilliseconds(4);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Invalid_names_through_the_edge_are_refused_while_cached_reads_stay_fast()
    {
        var (ns, reader) = await ReaderAsync("names");
        using var abuser = region.EdgeHttp(reader);
        var refused = 0L;
        await WithinBoundAsync(ns, reader, async () =>
        {
            using var answer = await abuser.GetAsync($"v1/ns/{ns}_evil/kv/k", Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Interlocked.Increment(ref refused);
        });
        Assert.True(refused > 100, $"only {refused} abusive requests ran");
    }

    [Fact]
    public async Task Random_tokens_through_the_edge_are_throttled_while_cached_reads_stay_fast()
    {
        var (ns, reader) = await ReaderAsync("tokens");
        var throttled = 0L;
        // One client, kept-alive connections, a new random token on every request: what an
        // attacker would send (a connection per request would measure this machine's TCP setup).
        using var stranger = region.EdgeHttp("unused");
        stranger.DefaultRequestHeaders.Authorization = null;
        try
        {
            await WithinBoundAsync(ns, reader, async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/ns/{ns}/kv/k");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"pt_random-{Guid.NewGuid():N}");
                using var answer = await stranger.SendAsync(request, Cancel);
                Assert.True(answer.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"{(int)answer.StatusCode}");
                Interlocked.Add(ref throttled, answer.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0);
            });
            Assert.True(throttled > 0, "no random token was refused as a flood");
        }
        finally
        {
            // The address's buckets (edge and node) refill before the collection's next test.
            await Task.Delay(TimeSpan.FromSeconds(3), CancellationToken.None);
        }
    }

    [Fact]
    public async Task Internal_routes_spelled_otherwise_on_the_client_port_are_refused_while_cached_reads_stay_fast()
    {
        var (ns, reader) = await ReaderAsync("inter");
        using var anonymous = new HttpClient { BaseAddress = region.Node.Http };
        string[] spellings = ["/INTER/v1/ping", "/Inter/V1/readindex/0", "/inter/V1/stop", "/INTER/v1/forward"];
        var i = 0;
        await WithinBoundAsync(ns, reader, async () =>
        {
            using var answer = await anonymous.PostAsync(spellings[Interlocked.Increment(ref i) % spellings.Length], new ByteArrayContent([]), Cancel);
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        });
    }

    [Fact]
    public async Task One_token_opening_watches_on_a_node_meets_its_bound_while_cached_reads_stay_fast()
    {
        var (ns, reader) = await ReaderAsync("watches");
        var opened = new System.Collections.Concurrent.ConcurrentBag<HttpResponseMessage>();
        var refused = 0L;
        using var watcher = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 2000 }) { BaseAddress = region.Node.Http, Timeout = Timeout.InfiniteTimeSpan };
        watcher.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", reader);
        try
        {
            var attempts = 0;
            await WithinBoundAsync(ns, reader, async () =>
            {
                // A bounded loop: 1,100 opens in all, past the per-token bound of 1,000.
                if (Interlocked.Increment(ref attempts) > 1100)
                {
                    await Task.Delay(20, Cancel);
                    return;
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/ns/{ns}/watch");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                var answer = await watcher.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancel);
                if (answer.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref refused);
                    answer.Dispose();
                    return;
                }

                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                opened.Add(answer);
            });

            Assert.Equal(1000, opened.Count);
            Assert.True(refused >= 1, "no watch was refused past the bound");
        }
        finally
        {
            foreach (var stream in opened)
            {
                stream.Dispose();
            }
        }
    }

    /// <summary>A namespace with a key, and a reader token of it.</summary>
    private async Task<(string Ns, string Reader)> ReaderAsync(string prefix)
    {
        var ns = await region.NamespaceAsync(prefix, Cancel);
        using var node = region.NodeClient();
        await node.PutAsync(ns, "k", "v"u8.ToArray(), "text/plain", cancellationToken: Cancel);
        var reader = await node.CreateTokenAsync($"{prefix}-{Guid.NewGuid():N}"[..20], [new TokenGrant(ns, "reader")], Cancel);
        return (ns, reader.Token);
    }

    /// <summary>
    /// Warms the abuse's path and the normal client's together for <see cref="WarmFor"/> (a process
    /// meeting a path for the first time compiles it: the first probe of a fresh edge measured its
    /// JIT, 2.3-2.5 ms whichever probe ran first), then measures the normal client's cached reads
    /// in <see cref="Rounds"/> rounds of a quiet second and a second while <see cref="Abusers"/>
    /// loops run <paramref name="abuse"/>, and asserts the p99 bound over all rounds. Interleaved,
    /// the two phases share whatever else the young processes still do (a single quiet phase
    /// measured first ranged 0.13-3.96 ms on the first test of a fresh edge).
    /// </summary>
    private async Task WithinBoundAsync(string ns, string reader, Func<Task> abuse)
    {
        using var normal = region.EdgeHttp(reader);
        using (var warm = await normal.GetAsync($"v1/ns/{ns}/kv/k", Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var warming = Stopwatch.StartNew();
        var warmers = RunAbuse(abuse, warming, WarmFor);
        await ReadAsync(normal, ns, warming, WarmFor, []);
        await Task.WhenAll(warmers);

        List<TimeSpan> quietTimes = [], abusedTimes = [];
        for (var round = 0; round < Rounds; round++)
        {
            await ReadAsync(normal, ns, Stopwatch.StartNew(), PhaseFor, quietTimes);
            var abusing = Stopwatch.StartNew();
            var abusers = RunAbuse(abuse, abusing, PhaseFor);
            await ReadAsync(normal, ns, abusing, PhaseFor, abusedTimes);
            await Task.WhenAll(abusers);
        }

        var (quiet, abused) = (P99(quietTimes), P99(abusedTimes));
        var bound = 2 * (quiet > LatencyFloor ? quiet : LatencyFloor);
        TestContext.Current.TestOutputHelper?.WriteLine($"cached read p99: {quiet.TotalMilliseconds:F2} ms quiet ({quietTimes.Count} reads), {abused.TotalMilliseconds:F2} ms under abuse ({abusedTimes.Count} reads; bound {bound.TotalMilliseconds:F2} ms)");
        Assert.True(abused <= bound, $"cached read p99 {abused.TotalMilliseconds:F2} ms under abuse, {quiet.TotalMilliseconds:F2} ms quiet (bound {bound.TotalMilliseconds:F2} ms)");
    }

    /// <summary><see cref="Abusers"/> loops running <paramref name="abuse"/> until <paramref name="clock"/> passes <paramref name="length"/>.</summary>
    private static List<Task> RunAbuse(Func<Task> abuse, Stopwatch clock, TimeSpan length) =>
        Enumerable.Range(0, Abusers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < length)
            {
                await abuse();

                // About 250 requests a second a loop, 1,000 in all: four times the rate that, before
                // the fixes, kept the region busy for minutes (a flood at the machine's full speed
                // would measure only that the abuser and the edge share 2 cores).
                await Task.Delay(AbusePause, Cancel);
            }
        }, Cancel)).ToList();

    /// <summary>Sequential cached reads until <paramref name="clock"/> passes <paramref name="length"/>, each one's time added to <paramref name="times"/>.</summary>
    private static async Task ReadAsync(HttpClient normal, string ns, Stopwatch clock, TimeSpan length, List<TimeSpan> times)
    {
        while (clock.Elapsed < length)
        {
            var started = Stopwatch.GetTimestamp();
            using var read = await normal.GetAsync($"v1/ns/{ns}/kv/k", Cancel);
            var took = Stopwatch.GetElapsedTime(started);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            times.Add(took);
        }
    }

    private static TimeSpan P99(List<TimeSpan> times)
    {
        times.Sort();
        return times[Math.Max(0, (int)Math.Ceiling(times.Count * 0.99) - 1)];
    }
}
