using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Client;
using Platform.Client.Models;
using Platform.LoadTests.Cluster;
using Platform.LoadTests.Load;
using Platform.LoadTests.Report;

namespace Platform.LoadTests.Scenarios;

/// <summary>
/// local-commit replication (loadtests/run.sh replication), on real `platform up` clusters:
/// (a) write latency at the home of a local-commit namespace in 3 regions x 3 nodes with an 80 ms WAN,
/// against the same writes in a single 3-node region; (b) replication lag under a steady 1,000 writes/s:
/// from each write's acknowledgement at the home to its event on a watch served by a node of each
/// other region from its own copy; (c) replicator throughput: a region cut off while 20,000 changes are
/// written at the home, then healed, and timed until its copy applied the last of them.
/// </summary>
public sealed class ReplicationScenario(HarnessOptions options, LoadHttp http, ReadOnlyMemory<byte> value)
{
    public const string Regions = "eu-west,us-east,ap-south";
    public const string Home = "eu-west";
    public const string Namespace = "repl-load";
    public const int NodesPerRegion = 3;
    public const int LagWritesPerSecond = 1000;
    public const int BacklogChanges = 20_000;
    public const int BacklogWriters = 32;
    public const int SequentialWarmup = 1000;
    public static readonly TimeSpan WanRoundTrip = TimeSpan.FromMilliseconds(80);
    public static readonly TimeSpan LagPhase = TimeSpan.FromSeconds(15);

    public static string Command => $"platform up --regions {Regions} --nodes {NodesPerRegion} --wan-rtt {WanRoundTrip.TotalMilliseconds:0}ms --chaos --base-port 0";

    public static async Task<ReplicationReport> RunAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bytes = new byte[options.Parameters.ValueBytes];
        new Random(42).NextBytes(bytes);
        var notes = new List<string>();
        try
        {
            var single = await SingleRegionAsync(options, bytes, cancellationToken);
            Console.WriteLine($"==> replication: {Command}");
            await using var up = await PlatformUpProcess.StartAsync(options.PlatformDll, Regions, NodesPerRegion, options.DataRoot,
                ["--wan-rtt", $"{WanRoundTrip.TotalMilliseconds:0}ms", "--chaos"], cancellationToken);
            using var http = new LoadHttp(up.Cluster.AdminToken, connectionsPerServer: 64);
            var scenario = new ReplicationScenario(options, http, bytes);
            var homeNode = up.Cluster.Regions.First(r => r.Name == Home).Nodes[0];
            using (var client = new PlatformClient(homeNode.Endpoint, up.Cluster.AdminToken))
            {
                await client.PutNamespaceAsync(Namespace, new NamespaceSpec(NamespaceSpec.LocalCommit, Home), cancellationToken);
            }

            var atHome = await scenario.SequentialAsync(homeNode.Endpoint, "home", cancellationToken, () => scenario.CopiesReadyAsync(up.Cluster, cancellationToken));
            var lags = (await scenario.LagAsync(up.Cluster, $"3 x {NodesPerRegion}", cancellationToken)).ToList();
            var throughput = await scenario.CatchUpAsync(up.Cluster, cancellationToken);
            await up.DisposeAsync();
            lags.AddRange(await SmallClusterLagAsync(options, bytes, cancellationToken));
            return new ReplicationReport(machine, options.Parameters, Command, single, atHome, lags, throughput, notes, null);
        }
        catch (Exception problem) when (problem is InvalidOperationException or TimeoutException or HttpRequestException or PlatformProblemException && !cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine($"    replication could not be measured: {problem.Message}");
            return new ReplicationReport(machine, options.Parameters, Command, null, null, [], [], notes, $"{problem.GetType().Name}: {problem.Message.Split('\n')[0]}");
        }
    }

    /// <summary>
    /// The same lag measurement on 3 regions of one node each: 3 processes instead of 9 on this
    /// machine's 2 cores, so the figure shows the replication path rather than the cores' queue.
    /// </summary>
    private static async Task<IReadOnlyList<RegionLagFigures>> SmallClusterLagAsync(HarnessOptions options, byte[] bytes, CancellationToken cancellationToken)
    {
        Console.WriteLine($"==> replication lag on one node per region: platform up --regions {Regions} --nodes 1 --wan-rtt 80ms --base-port 0");
        await using var up = await PlatformUpProcess.StartAsync(options.PlatformDll, Regions, 1, options.DataRoot,
            ["--wan-rtt", $"{WanRoundTrip.TotalMilliseconds:0}ms"], cancellationToken);
        using var http = new LoadHttp(up.Cluster.AdminToken, connectionsPerServer: 64);
        using (var client = new PlatformClient(up.Cluster.Regions.First(r => r.Name == Home).Nodes[0].Endpoint, up.Cluster.AdminToken))
        {
            await client.PutNamespaceAsync(Namespace, new NamespaceSpec(NamespaceSpec.LocalCommit, Home), cancellationToken);
        }

        return await new ReplicationScenario(options, http, bytes).LagAsync(up.Cluster, "3 x 1", cancellationToken);
    }

    /// <summary>The baseline: the same sequential writes to a local namespace of a single 3-node region (no WAN, no other region).</summary>
    private static async Task<LatencySummary> SingleRegionAsync(HarnessOptions options, byte[] bytes, CancellationToken cancellationToken)
    {
        Console.WriteLine("==> replication baseline: platform up --regions solo --nodes 3 --base-port 0");
        await using var up = await PlatformUpProcess.StartAsync(options.PlatformDll, "solo", NodesPerRegion, options.DataRoot, cancellationToken);
        using var http = new LoadHttp(up.Cluster.AdminToken, connectionsPerServer: 4);
        var node = up.Cluster.Regions[0].Nodes[0];
        using (var client = new PlatformClient(node.Endpoint, up.Cluster.AdminToken))
        {
            await client.PutNamespaceAsync(Namespace, new NamespaceSpec(NamespaceSpec.LocalCommit, "solo"), cancellationToken);
        }

        return await new ReplicationScenario(options, http, bytes).SequentialAsync(node.Endpoint, "solo", cancellationToken);
    }

    /// <summary>
    /// One writer at node-1 of the home (which sends to its group's leader), a new key each time,
    /// after a warm-up of <see cref="SequentialWarmup"/> writes (every node's code compiled, the
    /// copies made and caught up: <paramref name="settled"/>) that is not measured.
    /// </summary>
    private async Task<LatencySummary> SequentialAsync(Uri endpoint, string id, CancellationToken cancellationToken, Func<Task<long>>? settled = null)
    {
        var writes = options.Parameters.GlobalWrites * 2;
        Console.WriteLine($"==> ({id}) {SequentialWarmup} warm-up writes, then {writes} sequential local-commit writes at {endpoint}");
        await ClosedLoop.ForIterationsAsync(1, SequentialWarmup, (_, i, ct) => http.PutAsync(LoadHttp.KeyUri(endpoint, Namespace, $"warm-{id}/{i:D6}"), value, ct), cancellationToken);
        if (settled is not null)
        {
            await settled();
        }

        var run = await ClosedLoop.ForIterationsAsync(1, writes, (_, i, ct) => http.PutAsync(LoadHttp.KeyUri(endpoint, Namespace, $"seq-{id}/{i:D6}"), value, ct), cancellationToken);
        if (run.Errors > 0)
        {
            throw new InvalidOperationException($"{run.Errors} of the sequential writes at {endpoint} failed: {run.FirstFailure}");
        }

        return run.Latency;
    }

    /// <summary>
    /// A paced writer at the home (1,000 writes/s, up to 64 in flight) and a watch at node-1 of each other
    /// region; each event's lag is its arrival minus its write's acknowledgement, both on this process's clock.
    /// </summary>
    private async Task<IReadOnlyList<RegionLagFigures>> LagAsync(ClusterInfo cluster, string shape, CancellationToken cancellationToken)
    {
        var home = cluster.Regions.First(r => r.Name == Home).Nodes[0].Endpoint;
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<long, long>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var start = await CopiesReadyAsync(cluster, cancellationToken);
        var watchers = cluster.Regions.Where(r => r.Name != Home)
            .Select(r => (Region: r.Name, Task: WatchAsync(r.Nodes[0].Endpoint, r.Name, start, stop.Token)))
            .ToList();
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        Console.WriteLine($"==> lag: {LagWritesPerSecond} writes/s at {Home} for {LagPhase.TotalSeconds:0} s, watched from every other region");
        var clock = Stopwatch.StartNew();
        var total = (int)(LagWritesPerSecond * LagPhase.TotalSeconds);
        using var inFlight = new SemaphoreSlim(64);
        var writes = new List<Task>(total);
        var failed = 0;
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / (double)LagWritesPerSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }

            await inFlight.WaitAsync(cancellationToken);
            var key = $"lag/{i:D6}";
            writes.Add(Task.Run(async () =>
            {
                try
                {
                    var revision = await PutForRevisionAsync(LoadHttp.KeyUri(home, Namespace, key), cancellationToken);
                    if (revision is { } r)
                    {
                        acknowledged[r] = Stopwatch.GetTimestamp();
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                finally
                {
                    inFlight.Release();
                }
            }, cancellationToken));
        }

        await Task.WhenAll(writes);
        var achieved = total / clock.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        await stop.CancelAsync();
        var figures = new List<RegionLagFigures>();
        foreach (var (region, task) in watchers)
        {
            var arrivals = await task;
            var lags = arrivals.Where(a => acknowledged.ContainsKey(a.Key))
                .Select(a => Math.Max(0, a.Value - acknowledged[a.Key]))
                .Order()
                .ToList();
            var missing = acknowledged.Keys.Count(k => !arrivals.ContainsKey(k));
            figures.Add(new RegionLagFigures(shape, region, LatencySummary.FromSorted(lags), achieved, failed, missing));
            Console.WriteLine($"    {region}: {lags.Count} events, p50 {LatencySummary.FromSorted(lags).P50Ms:F2} ms, p99 {LatencySummary.FromSorted(lags).P99Ms:F2} ms, {missing} not seen");
        }

        return figures;
    }

    /// <summary>Cuts each other region off in turn, writes a backlog at the home, heals, and times the copy's catch-up.</summary>
    private async Task<IReadOnlyList<CatchUpFigures>> CatchUpAsync(ClusterInfo cluster, CancellationToken cancellationToken)
    {
        var home = cluster.Regions.First(r => r.Name == Home).Nodes[0].Endpoint;
        var results = new List<CatchUpFigures>();
        foreach (var region in cluster.Regions.Where(r => r.Name != Home))
        {
            var node = region.Nodes[0].Endpoint;
            Console.WriteLine($"==> catch-up: {region.Name} isolated while {BacklogChanges} changes are written at {Home}");

            // Isolated from every region, not only from the home: a region cut from the home alone
            // may hold the catalog's leader with the third region, and the home, which then cannot
            // reach that leader, could not renew its lease (docs/replication.md, partial partitions).
            await ChaosAsync(node, "isolate?scope=region", "{}", cancellationToken);
            long last = 0;
            try
            {
                // ForIterationsAsync counts iterations per loop: 32 loops of 625 writes each.
                var run = await ClosedLoop.ForIterationsAsync(BacklogWriters, BacklogChanges / BacklogWriters, async (loop, i, ct) =>
                {
                    var revision = await PutForRevisionAsync(LoadHttp.KeyUri(home, Namespace, $"backlog-{region.Name}/{loop:D2}/{i:D6}"), ct);
                    if (revision is { } r)
                    {
                        InterlockedMax(ref last, r);
                        return 200;
                    }

                    return 503;
                }, cancellationToken);
                if (run.Errors > 0)
                {
                    throw new InvalidOperationException($"{run.Errors} backlog writes failed: {run.FirstFailure}");
                }
            }
            finally
            {
                await ChaosAsync(node, "heal?scope=region", "{}", cancellationToken);
            }

            var healed = Stopwatch.StartNew();
            var applied = await WaitAppliedAsync(node, last, cancellationToken);
            var seconds = healed.Elapsed.TotalSeconds;
            results.Add(new CatchUpFigures($"{Home} -> {region.Name}", BacklogChanges, seconds, applied ? BacklogChanges / seconds : double.NaN));
            Console.WriteLine($"    {region.Name} applied the backlog {seconds:F2} s after the heal ({BacklogChanges / seconds:N0} changes/s)");
        }

        return results;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var seen = Interlocked.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
            seen = Interlocked.Read(ref target);
        }
    }

    private async Task<long?> PutForRevisionAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = new ReadOnlyMemoryContent(value) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.Client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("revision").GetInt64();
    }

    /// <summary>
    /// Writes once at the home and waits until node-1 of every other region answers a read at that
    /// revision from its own copy (a region without its copy yet forwards reads and watches to the
    /// home, which would measure no replication at all); returns that revision.
    /// </summary>
    public async Task<long> CopiesReadyAsync(ClusterInfo cluster, CancellationToken cancellationToken)
    {
        var home = cluster.Regions.First(r => r.Name == Home).Nodes[0].Endpoint;
        var revision = await PutForRevisionAsync(LoadHttp.KeyUri(home, Namespace, "ready"), cancellationToken)
            ?? throw new InvalidOperationException("the home refused the write that starts the lag phase");
        foreach (var region in cluster.Regions.Where(r => r.Name != Home))
        {
            var node = region.Nodes[0].Endpoint;
            var waited = Stopwatch.StartNew();
            while (true)
            {
                using var response = await http.Client.GetAsync(new Uri(node, $"/v1/ns/{Namespace}/kv/ready?minRevision={revision}&timeout=5s&consistency=serializable"), cancellationToken);
                if (response.IsSuccessStatusCode && response.Headers.TryGetValues("X-Config-Region", out var answered) && answered.Single() == region.Name)
                {
                    break;
                }

                if (waited.Elapsed > TimeSpan.FromMinutes(1))
                {
                    throw new TimeoutException($"{region.Name} had no copy of {Namespace} answering reads within a minute");
                }

                await Task.Delay(200, cancellationToken);
            }
        }

        return revision;
    }

    /// <summary>Reads a watch (SSE) from <paramref name="node"/> and notes when each revision's event arrived.</summary>
    private async Task<Dictionary<long, long>> WatchAsync(Uri node, string region, long since, CancellationToken stop)
    {
        var arrivals = new Dictionary<long, long>();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, $"/v1/ns/{Namespace}/watch?prefix=lag/&since={since}"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await http.StreamingClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
            response.EnsureSuccessStatusCode();
            if (!response.Headers.TryGetValues("X-Config-Region", out var answered) || answered.Single() != region)
            {
                throw new InvalidOperationException($"the watch at {region} was answered by {string.Join(",", answered ?? [])}, not from its own copy");
            }
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop));
            while (await reader.ReadLineAsync(stop) is { } line)
            {
                if (line.StartsWith("id:", StringComparison.Ordinal) && long.TryParse(line.AsSpan(3).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var revision))
                {
                    arrivals.TryAdd(revision, Stopwatch.GetTimestamp());
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return arrivals;
    }

    private async Task<bool> WaitAppliedAsync(Uri node, long revision, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            using var response = await http.Client.GetAsync(new Uri(node, $"/v1/ns/{Namespace}/kv/never-written?minRevision={revision}&timeout=30s&consistency=serializable"), cancellationToken);
            if ((int)response.StatusCode is 200 or 404)
            {
                return true;
            }

            await Task.Delay(10, cancellationToken);
        }

        return false;
    }

    private async Task ChaosAsync(Uri node, string action, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.Client.PostAsync(new Uri(node, $"/v1/chaos/{action}"), content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"chaos {action} at {node} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }
}
