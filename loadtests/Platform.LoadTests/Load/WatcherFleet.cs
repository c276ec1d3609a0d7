using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Platform.LoadTests.Load;

/// <summary>
/// Many downstream SSE watches of one namespace, as a fleet of configuration readers would hold
/// them: over HTTP/2 (many streams per connection, prior knowledge) when the server speaks it in
/// cleartext, otherwise one HTTP/1.1 connection each. Every watcher notes when each <c>put</c> event
/// arrived (Stopwatch ticks, by revision), and whether its stream ended before the fleet was stopped.
/// </summary>
public sealed class WatcherFleet : IAsyncDisposable
{
    private readonly HttpClient client;
    private readonly Uri watchUri;
    private readonly CancellationTokenSource stop = new();
    private readonly List<Watcher> watchers = [];
    private int disposed;

    public WatcherFleet(Uri server, string token, string ns, bool http2)
    {
        ArgumentNullException.ThrowIfNull(server);
        Http2 = http2;
        watchUri = new Uri(server, $"/v1/ns/{Uri.EscapeDataString(ns)}/watch");
        var handler = new SocketsHttpHandler
        {
            // HTTP/1.1: one connection per open watch, as many as there are watchers.
            MaxConnectionsPerServer = int.MaxValue,
            EnableMultipleHttp2Connections = true,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(30),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        client = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public bool Http2 { get; }

    /// <summary>
    /// Whether <paramref name="server"/> answers HTTP/2 with prior knowledge over cleartext (h2c), and
    /// what happened when asked: the fleet's protocol depends on it.
    /// </summary>
    public static async Task<(bool Works, string Detail)> ProbeH2cAsync(Uri server, CancellationToken cancellationToken)
    {
        using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            Timeout = TimeSpan.FromSeconds(10),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        try
        {
            using var response = await probe.GetAsync(new Uri(server, "/healthz"), cancellationToken);
            return response.Version == HttpVersion.Version20
                ? (true, $"GET /healthz over h2c answered {(int)response.StatusCode} over HTTP/2")
                : (false, $"GET /healthz over h2c answered over HTTP/{response.Version}");
        }
        catch (HttpRequestException failure)
        {
            var inner = failure.InnerException is { } cause && cause.Message != failure.Message ? $" ({cause.Message})" : string.Empty;
            return (false, $"GET /healthz with HTTP/2 prior knowledge failed: {failure.Message}{inner}");
        }
    }

    public int Count => watchers.Count;

    /// <summary>Watchers whose stream ended (or never opened) before the fleet was stopped.</summary>
    public int Ended => watchers.Count(w => w.Ended);

    /// <summary>The first reason a watcher did not open or ended early, for the report.</summary>
    public string? FirstFailure => watchers.Select(w => w.Failure).FirstOrDefault(f => f is not null);

    /// <summary>
    /// Opens <paramref name="count"/> more watches, at most <paramref name="parallel"/> being opened at
    /// once (a burst of 10,000 connects would overflow the listen backlog); returns how many answered 200.
    /// </summary>
    public async Task<int> OpenAsync(int count, int parallel, CancellationToken cancellationToken)
    {
        using var opening = new SemaphoreSlim(parallel);
        var answers = new List<Task<bool>>(count);
        for (var i = 0; i < count; i++)
        {
            await opening.WaitAsync(cancellationToken);
            var watcher = new Watcher();
            watchers.Add(watcher);
            watcher.Task = Task.Run(() => WatchAsync(watcher), CancellationToken.None);
            answers.Add(ReleaseWhenOpenAsync(watcher, opening));
        }

        var opened = await Task.WhenAll(answers);
        return opened.Count(o => o);
    }

    private static async Task<bool> ReleaseWhenOpenAsync(Watcher watcher, SemaphoreSlim opening)
    {
        try
        {
            return await watcher.Opened.Task;
        }
        finally
        {
            opening.Release();
        }
    }

    /// <summary>Per watcher, when each revision's <c>put</c> arrived (Stopwatch ticks).</summary>
    public IEnumerable<IReadOnlyDictionary<long, long>> Arrivals() => watchers.Select(w => (IReadOnlyDictionary<long, long>)w.Snapshot());

    private async Task WatchAsync(Watcher watcher)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, watchUri);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                watcher.Fail($"the watch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(stop.Token)}");
                return;
            }

            watcher.Opened.TrySetResult(true);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
            long? id = null;
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (line.StartsWith("id:", StringComparison.Ordinal))
                {
                    id = long.TryParse(line.AsSpan(3).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : null;
                }
                else if (line == "event: put" && id is { } revision)
                {
                    watcher.Arrived(revision, Stopwatch.GetTimestamp());
                }
                else if (line.Length == 0)
                {
                    id = null;
                }
            }

            watcher.Fail("the edge ended the stream");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            watcher.Opened.TrySetResult(false);
        }
        catch (Exception failure) when (failure is HttpRequestException or IOException or OperationCanceledException)
        {
            watcher.Fail($"{failure.GetType().Name}: {failure.Message}");
        }
    }

    /// <summary>Closes every watch (and waits for each to end); a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stop.CancelAsync();
        await Task.WhenAll(watchers.Select(w => w.Task));
        client.Dispose();
        stop.Dispose();
    }

    private sealed class Watcher
    {
        private readonly Dictionary<long, long> arrivals = [];

        public TaskCompletionSource<bool> Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task { get; set; } = Task.CompletedTask;

        public bool Ended { get; private set; }

        public string? Failure { get; private set; }

        public void Arrived(long revision, long ticks)
        {
            lock (arrivals)
            {
                arrivals.TryAdd(revision, ticks);
            }
        }

        public void Fail(string reason)
        {
            Ended = true;
            Failure ??= reason;
            Opened.TrySetResult(false);
        }

        public Dictionary<long, long> Snapshot()
        {
            lock (arrivals)
            {
                return new Dictionary<long, long>(arrivals);
            }
        }
    }
}
