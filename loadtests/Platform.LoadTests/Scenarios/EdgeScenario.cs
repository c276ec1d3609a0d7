using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Platform.Client;
using Platform.Client.Models;
using Platform.LoadTests.Cluster;
using Platform.LoadTests.Load;
using Platform.LoadTests.Report;

namespace Platform.LoadTests.Scenarios;

/// <summary>
/// The edge proxy (loadtests/run.sh edge) in front of a real <c>platform up</c> region of three nodes:
/// (1) cached reads of one key through the edge with wrk at 64 and 1,000 connections, side by side
/// with nginx's proxy_cache in front of one node on the same machine; (2) the edge's memory per
/// cached key; (3) 10,000 downstream SSE watchers of one namespace: the edge's memory per watcher,
/// its one upstream watch, and the delivery latency of writes to every watcher.
/// </summary>
public sealed class EdgeScenario
{
    public const string Region = "eu-west";
    public const int NodesPerRegion = 3;
    public const string ReadNamespace = "edge-read";
    public const string KeysNamespace = "edge-keys";
    public const string WatchNamespace = "edge-watch";
    public const string ReadKey = "config/feature-flags";
    public const int NginxWorkers = 2;
    public const double WatcherGoalMiB = 200;
    public static readonly IReadOnlyList<int> ConnectionCounts = [64, 1000];
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan WriteSpacing = TimeSpan.FromMilliseconds(500);

    private const int KeyWriters = 64;

    // Misses cost the region a fetch each and count against the token's rate toward it (1,000/s):
    // a few readers keep the first pass near that rate rather than far over it.
    private const int KeyReaders = 16;
    private const int OpenParallel = 200;
    private static readonly TimeSpan GaugeBound = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan DeliveryBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ScrapeCacheExpired = TimeSpan.FromMilliseconds(400);

    private readonly HarnessOptions options;
    private readonly PlatformUpProcess up;
    private readonly ClusterNode node;
    private readonly ClusterEdge edge;
    private readonly LoadHttp http;
    private readonly ReadOnlyMemory<byte> value;
    private readonly List<string> notes = [];
    private readonly List<string> failures = [];
    private long lastScrape;

    private EdgeScenario(HarnessOptions options, PlatformUpProcess up, LoadHttp http)
    {
        this.options = options;
        this.up = up;
        this.http = http;
        var region = up.Cluster.Regions.Single();
        node = region.Nodes[0];
        edge = region.Edge ?? throw new InvalidOperationException("cluster.json names no edge proxy for the region: this CLI does not start one");
        var bytes = new byte[options.Parameters.ValueBytes];
        new Random(42).NextBytes(bytes);
        value = bytes;
    }

    public static string Command => $"platform up --regions {Region} --nodes {NodesPerRegion} --base-port 0 --data-dir <fresh directory>";

    private string Token => up.Cluster.AdminToken;

    public static async Task<EdgeReport> RunAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        Console.WriteLine($"==> edge: {Command}");
        var setup = new EdgeSetup(null, NginxProcess.Describe(NginxWorkers), "wrk -t2 -c<connections> -d<seconds>s --latency", "not measured", "not measured", ProcessLimits.OpenFiles(Environment.ProcessId), null);
        try
        {
            await using var up = await PlatformUpProcess.StartAsync(options.PlatformDll, Region, NodesPerRegion, options.DataRoot, cancellationToken);
            Console.WriteLine($"    ready after {up.ReadyAfter.TotalSeconds:F2} s");
            using var http = new LoadHttp(up.Cluster.AdminToken, connectionsPerServer: KeyWriters);
            var scenario = new EdgeScenario(options, up, http);
            return await scenario.MeasureAsync(machine, setup, cancellationToken);
        }
        catch (Exception problem) when (problem is InvalidOperationException or TimeoutException or HttpRequestException or PlatformProblemException && !cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine($"    edge could not be measured: {problem.Message}");
            return new EdgeReport(machine, options.Parameters, Command, setup, [], null, null, null, null, [], [$"{problem.GetType().Name}: {problem.Message.Split('\n')[0]}"]);
        }
    }

    private async Task<EdgeReport> MeasureAsync(MachineInfo machine, EdgeSetup setup, CancellationToken cancellationToken)
    {
        setup = setup with { EdgeOpenFiles = ProcessLimits.OpenFiles(edge.Pid), EdgeRssAtStartBytes = ProcessMemory.ResidentBytes(edge.Pid) };
        using (var admin = new PlatformClient(node.Endpoint, Token))
        {
            // Created at a node: the edge first hears of each namespace when a part touches it there.
            foreach (var ns in (string[])[ReadNamespace, KeysNamespace, WatchNamespace])
            {
                await admin.PutNamespaceAsync(ns, new NamespaceSpec(NamespaceSpec.StrongGlobal), cancellationToken);
            }
        }

        var scratch = Path.Combine(options.DataRoot, $"edge-load-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(scratch);
        IReadOnlyList<CachedReadRow> reads = [];
        CachedReadChecks? checks = null;
        KeyMemoryFigures? keys = null;
        WatcherFigures? watchers = null;
        try
        {
            (reads, checks, setup) = await PartAsync("cached reads", () => CachedReadsAsync(scratch, setup, cancellationToken), ([], null, setup), cancellationToken);
            keys = await PartAsync("memory per key", () => KeyMemoryAsync(cancellationToken), null, cancellationToken);
            (watchers, setup) = await PartAsync("watchers", () => WatchersAsync(setup, cancellationToken), (null, setup), cancellationToken);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        // Before the platform stops: stopping deletes the data directory, edge.log with it.
        var log = EdgeLogSummary.Read(up.DataDirectory, Region);
        var alive = ProcessSignals.CommandLine(edge.Pid).Contains(" edge ", StringComparison.Ordinal);
        var health = new EdgeProcessHealth(edge.Pid, alive, ProcessMemory.ResidentBytes(edge.Pid), log.Lines, log.Problems, log.Samples);
        if (!alive)
        {
            failures.Add($"the edge process (pid {edge.Pid}) was gone at the end of the run: see the samples of its log");
        }

        Console.WriteLine($"    edge.log: {log.Lines} lines, {log.Problems} at warn level or above; edge {(alive ? "alive" : "GONE")} at the end");
        return new EdgeReport(machine, options.Parameters, Command, setup, reads, checks, keys, watchers, health, notes, failures);
    }

    /// <summary>Runs one part; a part that cannot be measured is named in the report and the next part still runs.</summary>
    private async Task<T> PartAsync<T>(string part, Func<Task<T>> measure, T unmeasured, CancellationToken cancellationToken)
    {
        try
        {
            return await measure();
        }
        catch (Exception problem) when (problem is InvalidOperationException or TimeoutException or HttpRequestException or IOException or JsonException or System.ComponentModel.Win32Exception && !cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine($"    {part} could not be measured: {problem.Message}");
            failures.Add($"{part}: {problem.GetType().Name}: {problem.Message.Split('\n')[0]}");
            return unmeasured;
        }
    }

    /// <summary>
    /// One key, read by wrk through the edge and through nginx in front of node-1, alternating so that
    /// a busier moment of the machine does not fall on one of them only; each at 64 and then 1,000
    /// connections, after a warm-up run of each at 64 (the edge's JIT, both caches filled).
    /// </summary>
    private async Task<(IReadOnlyList<CachedReadRow>, CachedReadChecks?, EdgeSetup)> CachedReadsAsync(string scratch, EdgeSetup setup, CancellationToken cancellationToken)
    {
        var keyAtNode = LoadHttp.KeyUri(node.Endpoint, ReadNamespace, ReadKey);
        var keyAtEdge = LoadHttp.KeyUri(edge.Endpoint, ReadNamespace, ReadKey);
        var written = await http.PutAsync(keyAtNode, value, cancellationToken);
        if (written is < 200 or >= 300)
        {
            throw new InvalidOperationException($"the write of {ReadKey} at {node.Name} answered {written}");
        }

        var before = await MetricsAsync(cancellationToken);
        var first = await AnswerHeaderAsync(keyAtEdge, "X-Config-Cache", cancellationToken);
        var afterFirst = await MetricsAsync(cancellationToken);

        await using var nginx = await NginxProcess.StartAsync(node.Endpoint, NginxWorkers, options.DataRoot, cancellationToken);
        setup = setup with { NginxVersion = nginx.Version };
        var keyAtNginx = LoadHttp.KeyUri(nginx.Endpoint, ReadNamespace, ReadKey);
        var nginxFirst = await AnswerHeaderAsync(keyAtNginx, "X-Cache-Status", cancellationToken);
        Console.WriteLine($"==> cached reads of {ReadNamespace}/{ReadKey}: edge {edge.Endpoint} (first read: {first}), nginx {nginx.Version} {nginx.Endpoint} in front of {node.Name} (first read: {nginxFirst})");

        var script = WrkRun.WriteScript(scratch, Token);
        var seconds = TimeSpan.FromSeconds(options.Parameters.Seconds);
        var warmup = TimeSpan.FromSeconds(Math.Max(1, options.Parameters.WarmupSeconds));
        long wrkAtEdge = 0;
        var edgeCpu = () => ProcessCpu.Seconds(edge.Pid);
        var nginxCpu = () => ProcessCpu.TreeSeconds(nginx.Pid);
        var (edgeWarm, _) = await WrkAsync("edge warm-up", keyAtEdge, ConnectionCounts[0], warmup, script, edgeCpu, cancellationToken);
        wrkAtEdge += edgeWarm.Requests;
        await WrkAsync("nginx warm-up", keyAtNginx, ConnectionCounts[0], warmup, script, nginxCpu, cancellationToken);

        // Rounds: one pair of runs swings by 15% with what else the two cores do at that moment;
        // the verdict takes each connection count's median ratio.
        var rows = new List<CachedReadRow>();
        for (var round = 1; round <= Math.Max(1, options.Parameters.EdgeRounds); round++)
        {
            foreach (var connections in ConnectionCounts)
            {
                var (atEdge, edgeSeconds) = await WrkAsync("edge", keyAtEdge, connections, seconds, script, edgeCpu, cancellationToken);
                wrkAtEdge += atEdge.Requests;
                var (atNginx, nginxSeconds) = await WrkAsync("nginx", keyAtNginx, connections, seconds, script, nginxCpu, cancellationToken);
                rows.Add(new CachedReadRow(connections, atEdge, atNginx, edgeSeconds, nginxSeconds, round));
                Console.WriteLine(Units.Invariant($"    round {round}, {connections} connections: edge / nginx = {rows[^1].RequestsRatio:F2}; CPU per request: edge {rows[^1].EdgeCpuMicrosecondsPerRequest:F1} us, nginx {rows[^1].NginxCpuMicrosecondsPerRequest:F1} us"));
            }
        }

        var after = await MetricsAsync(cancellationToken);
        var last = await AnswerHeaderAsync(keyAtEdge, "X-Config-Cache", cancellationToken);
        var nginxLast = await AnswerHeaderAsync(keyAtNginx, "X-Cache-Status", cancellationToken);
        var checks = new CachedReadChecks(ReadKey, value.Length, first, last, nginxLast, before.Fetches, afterFirst.Fetches, after.Fetches,
            after.Hits - afterFirst.Hits, after.Misses - afterFirst.Misses, wrkAtEdge);
        Console.WriteLine($"    the edge fetched the key {checks.FetchesForKey} time(s); {checks.HitsDuringRuns:N0} hits for {wrkAtEdge:N0} requests wrk counted");
        if (checks.FetchesForKey != 1)
        {
            notes.Add($"The edge's fetch count grew by {checks.FetchesForKey} from before the key's first read to after the last run (expected 1); the counter is not per key, so another fetch in that time counts too.");
        }

        return (rows, checks, setup);
    }

    /// <summary>One wrk run, with the CPU seconds <paramref name="cpu"/> says the proxy used meanwhile (NaN when it cannot tell).</summary>
    private static async Task<(WrkFigures Figures, double CpuSeconds)> WrkAsync(string target, Uri url, int connections, TimeSpan length, string script, Func<double?> cpu, CancellationToken cancellationToken)
    {
        var before = cpu();
        var figures = await WrkRun.RunAsync(url, connections, length, script, cancellationToken);
        var used = cpu() - before ?? double.NaN;
        Console.WriteLine(Units.Invariant($"    {target,-13} -c{connections,-5} {figures.RequestsPerSecond,10:N0} req/s  p50 {figures.P50Ms,7:F2} ms  p99 {figures.P99Ms,7:F2} ms  errors {figures.StatusErrors} status, {figures.SocketErrors} socket  CPU {used:F1} s"));
        return (figures, used);
    }

    /// <summary>
    /// Writes the keys at node-1 before the edge has touched their namespace (so none reaches the edge
    /// through its watch), reads each once through the edge (each a miss, then held), and compares the
    /// edge's resident memory before and after, each read after <see cref="Settle"/>.
    /// </summary>
    private async Task<KeyMemoryFigures?> KeyMemoryAsync(CancellationToken cancellationToken)
    {
        var count = options.Parameters.EdgeKeys;
        Console.WriteLine($"==> memory per key: {count:N0} keys of {value.Length} bytes written at {node.Name}, each read once through the edge");
        var writing = Stopwatch.StartNew();
        var writeErrors = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = KeyWriters, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            if (await http.PutAsync(LoadHttp.KeyUri(node.Endpoint, KeysNamespace, KeyName(i)), value, ct) is < 200 or >= 300)
            {
                Interlocked.Increment(ref writeErrors);
            }
        });
        var writeSeconds = writing.Elapsed.TotalSeconds;

        await Task.Delay(Settle, cancellationToken);
        var rssBefore = Rss();
        var metricsBefore = await MetricsAsync(cancellationToken);
        var firstPass = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var readErrors = 0;
        var refused = 0;
        var reading = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = KeyReaders, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var uri = LoadHttp.KeyUri(edge.Endpoint, KeysNamespace, KeyName(i));
            for (var attempt = 1; ; attempt++)
            {
                using var response = await http.Client.GetAsync(uri, ct);
                if ((int)response.StatusCode == 429 && attempt < 100)
                {
                    Interlocked.Increment(ref refused);
                    await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
                    continue;
                }

                var body = await response.Content.ReadAsByteArrayAsync(ct);
                if (!response.IsSuccessStatusCode || body.Length != value.Length)
                {
                    Interlocked.Increment(ref readErrors);
                }

                firstPass.AddOrUpdate(Header(response, "X-Config-Cache") ?? "none", 1, (_, n) => n + 1);
                return;
            }
        });
        var readSeconds = reading.Elapsed.TotalSeconds;
        var metricsAfter = await MetricsAsync(cancellationToken);

        await Task.Delay(Settle, cancellationToken);
        var rssAfter = Rss();
        long secondHits = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = KeyReaders, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            using var response = await http.Client.GetAsync(LoadHttp.KeyUri(edge.Endpoint, KeysNamespace, KeyName(i)), ct);
            if (response.IsSuccessStatusCode && Header(response, "X-Config-Cache") == "hit")
            {
                Interlocked.Increment(ref secondHits);
            }
        });

        var figures = new KeyMemoryFigures(count, value.Length, writeSeconds, writeErrors, readSeconds, new SortedDictionary<string, int>(firstPass, StringComparer.Ordinal), readErrors, refused,
            metricsAfter.Fetches - metricsBefore.Fetches, secondHits, Settle.TotalSeconds, rssBefore, rssAfter);
        Console.WriteLine(Units.Invariant($"    written in {writeSeconds:F1} s, read in {readSeconds:F1} s ({string.Join(", ", figures.FirstPass.Select(p => $"{p.Key} {p.Value}"))}; {refused} refused 429 and retried); RSS {rssBefore / Mi:F1} -> {rssAfter / Mi:F1} MiB: {figures.BytesPerKey:F0} bytes per key; second pass {secondHits} hits"));
        return figures;
    }

    private static string KeyName(int i) => string.Create(CultureInfo.InvariantCulture, $"keys/{i:D6}");

    /// <summary>
    /// Opens the watchers through the edge on a namespace it has not touched yet, waits until its
    /// <c>platform_watchers</c> gauge shows them all, reads its memory, then sends writes at node-1
    /// <see cref="WriteSpacing"/> apart and times each one's arrival at every watcher.
    /// </summary>
    private async Task<(WatcherFigures?, EdgeSetup)> WatchersAsync(EdgeSetup setup, CancellationToken cancellationToken)
    {
        var count = options.Parameters.EdgeWatchers;
        var (h2c, probe) = await WatcherFleet.ProbeH2cAsync(edge.Endpoint, cancellationToken);
        setup = setup with { WatcherProtocol = h2c ? "HTTP/2 (h2c, prior knowledge), many streams per connection" : "HTTP/1.1, one connection per watcher", H2cProbe = probe };
        if (!h2c && setup.HarnessOpenFiles is { } limit && limit < count + 1000)
        {
            throw new InvalidOperationException($"{count} watchers over HTTP/1.1 need as many sockets, and this process may open {limit} files: raise `ulimit -n` (run.sh raises it to the hard limit)");
        }

        Console.WriteLine($"==> watchers: {count:N0} SSE watches of {WatchNamespace} through the edge over {(h2c ? "HTTP/2" : "HTTP/1.1")} ({probe})");
        var idleWithout = await IdleCpuAsync(cancellationToken);
        var rssBefore = Rss();
        var before = await MetricsAsync(cancellationToken);
        await using var fleet = new WatcherFleet(edge.Endpoint, Token, WatchNamespace, h2c);
        var opening = Stopwatch.StartNew();
        var opened = await fleet.OpenAsync(count, OpenParallel, cancellationToken);
        var openSeconds = opening.Elapsed.TotalSeconds;
        Console.WriteLine($"    {opened:N0} of {count:N0} answered 200 in {openSeconds:F1} s{(fleet.FirstFailure is { } why ? $"; first failure: {why}" : string.Empty)}");

        var gauge = before;
        while (gauge.Watchers < opened && opening.Elapsed < GaugeBound)
        {
            await Task.Delay(250, cancellationToken);
            gauge = await MetricsAsync(cancellationToken);
        }

        var gaugeSeconds = opening.Elapsed.TotalSeconds;
        Console.WriteLine($"    platform_watchers {gauge.Watchers:N0} after {gaugeSeconds:F1} s; settling {Settle.TotalSeconds:F0} s");
        var idleWith = await IdleCpuAsync(cancellationToken);
        var rssAfter = Rss();
        var afterOpen = await MetricsAsync(cancellationToken);

        // The same writes seen by one watch at node-1 itself: the part of the delay that is not the edge's.
        await using var atNode = new WatcherFleet(node.Endpoint, Token, WatchNamespace, http2: false);
        await atNode.OpenAsync(1, 1, cancellationToken);

        Console.WriteLine($"    {options.Parameters.EdgeWrites} writes at {node.Name}, {WriteSpacing.TotalMilliseconds:0} ms apart");
        var edgeCpuBefore = ProcessCpu.Seconds(edge.Pid);
        var harnessCpuBefore = ProcessCpu.Seconds(Environment.ProcessId);
        var window = Stopwatch.StartNew();
        var writes = await WriteSpacedAsync(options.Parameters.EdgeWrites, cancellationToken);
        var acknowledged = writes.Where(w => w.Revision is not null).ToList();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < DeliveryBound && fleet.Arrivals().Any(a => acknowledged.Any(w => !a.ContainsKey(w.Revision!.Value))))
        {
            await Task.Delay(500, cancellationToken);
        }

        var windowSeconds = window.Elapsed.TotalSeconds;
        var edgeCpu = ProcessCpu.Seconds(edge.Pid) - edgeCpuBefore ?? double.NaN;
        var harnessCpu = ProcessCpu.Seconds(Environment.ProcessId) - harnessCpuBefore ?? double.NaN;
        var afterWrites = await MetricsAsync(cancellationToken);
        var delivered = Deliveries.Of(fleet.Arrivals(), acknowledged);
        var direct = Deliveries.Of(atNode.Arrivals(), acknowledged);
        var expected = (long)fleet.Count * acknowledged.Count;
        var ended = fleet.Ended;
        var firstFailure = fleet.FirstFailure;

        var closing = Stopwatch.StartNew();
        await fleet.DisposeAsync();
        var closed = await MetricsAsync(cancellationToken);
        while (closed.Watchers > 0 && closing.Elapsed < CloseBound)
        {
            await Task.Delay(250, cancellationToken);
            closed = await MetricsAsync(cancellationToken);
        }

        var closeSeconds = closing.Elapsed.TotalSeconds;

        // Whether the watchers' memory goes back once they are gone (or the edge keeps it).
        await Task.Delay(Settle, cancellationToken);
        var rssClosed = Rss();

        var figures = new WatcherFigures(count, opened, openSeconds, gauge.Watchers, gaugeSeconds, Settle.TotalSeconds, rssBefore, rssAfter,
            before.Watches, afterOpen.Watches, afterWrites.Watches, writes.Count, WriteSpacing.TotalMilliseconds, writes.Count - acknowledged.Count,
            delivered.FromAck, delivered.FromSend, expected, delivered.Seen, expected - delivered.Seen, delivered.BeforeAck, ended, firstFailure,
            closed.Watchers, closeSeconds, rssClosed, direct.FromAck, direct.Seen, idleWithout, idleWith, windowSeconds, edgeCpu, harnessCpu);
        Console.WriteLine(Units.Invariant($"    RSS {rssBefore / Mi:F1} -> {rssAfter / Mi:F1} MiB: {figures.BytesPerWatcher:F0} bytes per watcher; upstream watches +{figures.UpstreamWatchesOpened}"));
        Console.WriteLine(Units.Invariant($"    edge CPU while idle: {idleWithout:F1}% of a core without the watchers, {idleWith:F1}% with them; a watch at {node.Name} itself: p50 {direct.FromAck.P50Ms:F2} ms, p99 {direct.FromAck.P99Ms:F2} ms"));
        Console.WriteLine(Units.Invariant($"    CPU from the first write until every event had arrived ({windowSeconds:F1} s): edge {edgeCpu:F2} s ({figures.EdgeCpuMicrosecondsPerEvent:F1} us per event delivered), harness {harnessCpu:F2} s"));
        Console.WriteLine(Units.Invariant($"    delivery from ack: p50 {figures.FromAck.P50Ms:F2} ms, p99 {figures.FromAck.P99Ms:F2} ms, max {figures.FromAck.MaxMs:F2} ms; {figures.EventsMissed} of {expected:N0} events missed; {ended} watchers ended early; gauge {closed.Watchers} {closeSeconds:F1} s after closing; RSS {rssClosed / Mi:F1} MiB {Settle.TotalSeconds:F0} s later"));
        return (figures, setup);
    }

    private sealed record SpacedWrite(long SentTicks, long AckTicks, long? Revision);

    /// <summary>Delivery delays of the acknowledged writes over a set of watchers (Stopwatch ticks, sorted).</summary>
    private sealed record Deliveries(LatencySummary FromAck, LatencySummary FromSend, long Seen, long BeforeAck)
    {
        public static Deliveries Of(IEnumerable<IReadOnlyDictionary<long, long>> watchers, IReadOnlyList<SpacedWrite> writes)
        {
            var fromAck = new List<long>();
            var fromSend = new List<long>();
            long seen = 0, early = 0;
            foreach (var arrivals in watchers)
            {
                foreach (var write in writes)
                {
                    if (arrivals.TryGetValue(write.Revision!.Value, out var arrived))
                    {
                        seen++;
                        early += arrived < write.AckTicks ? 1 : 0;
                        fromAck.Add(Math.Max(0, arrived - write.AckTicks));
                        fromSend.Add(arrived - write.SentTicks);
                    }
                }
            }

            fromAck.Sort();
            fromSend.Sort();
            return new Deliveries(LatencySummary.FromSorted(fromAck), LatencySummary.FromSorted(fromSend), seen, early);
        }
    }

    /// <summary>Waits <see cref="Settle"/> and returns the edge's CPU over it, in percent of one core (NaN when it cannot be read).</summary>
    private async Task<double> IdleCpuAsync(CancellationToken cancellationToken)
    {
        var before = ProcessCpu.Seconds(edge.Pid);
        var clock = Stopwatch.StartNew();
        await Task.Delay(Settle, cancellationToken);
        var after = ProcessCpu.Seconds(edge.Pid);
        return before is { } b && after is { } a ? (a - b) / clock.Elapsed.TotalSeconds * 100 : double.NaN;
    }

    /// <summary>
    /// One write every <see cref="WriteSpacing"/>, a new key each; the value carries its send time (ISO
    /// 8601 and Stopwatch ticks) for anyone reading the watch by hand, while the harness times each
    /// event against its own record of the write, on the same clock, rather than decode 200,000 frames
    /// while it measures.
    /// </summary>
    private async Task<List<SpacedWrite>> WriteSpacedAsync(int count, CancellationToken cancellationToken)
    {
        var writes = new List<SpacedWrite>(count);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var due = WriteSpacing * i;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }

            var sent = Stopwatch.GetTimestamp();
            var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"sent\":\"{DateTimeOffset.UtcNow:O}\",\"sentTicks\":{sent},\"write\":{i}}}"));
            long? revision = null;
            using (var request = new HttpRequestMessage(HttpMethod.Put, LoadHttp.KeyUri(node.Endpoint, WatchNamespace, string.Create(CultureInfo.InvariantCulture, $"writes/{i:D4}"))) { Content = new ByteArrayContent(body) })
            {
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await http.Client.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                    revision = answer.RootElement.GetProperty("revision").GetInt64();
                }
            }

            writes.Add(new SpacedWrite(sent, Stopwatch.GetTimestamp(), revision));
        }

        return writes;
    }

    private async Task<string?> AnswerHeaderAsync(Uri uri, string header, CancellationToken cancellationToken)
    {
        using var response = await http.Client.GetAsync(uri, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {uri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return Header(response, header);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>
    /// The edge's /metrics as of now. Its exporter answers a scrape from the text it made for the
    /// previous one for 300 ms (OpenTelemetry's ScrapeResponseCacheDurationMilliseconds default), so a
    /// scrape right after another would show counts from before what happened in between: each waits
    /// until that text has expired.
    /// </summary>
    private async Task<EdgeMetricsSnapshot> MetricsAsync(CancellationToken cancellationToken)
    {
        var since = Stopwatch.GetElapsedTime(lastScrape);
        if (since < ScrapeCacheExpired)
        {
            await Task.Delay(ScrapeCacheExpired - since, cancellationToken);
        }

        try
        {
            return await EdgeMetricsSnapshot.ReadAsync(http.Client, edge.Endpoint, cancellationToken);
        }
        finally
        {
            lastScrape = Stopwatch.GetTimestamp();
        }
    }

    private const double Mi = 1024 * 1024;

    private long Rss() => ProcessMemory.ResidentBytes(edge.Pid) ?? throw new InvalidOperationException($"the edge process (pid {edge.Pid}) is gone");
}
