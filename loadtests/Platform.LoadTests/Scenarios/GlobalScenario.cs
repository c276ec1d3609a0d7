using System.Globalization;
using Platform.Client;
using Platform.Client.Models;
using Platform.LoadTests.Cluster;
using Platform.LoadTests.Load;
using Platform.LoadTests.Report;

namespace Platform.LoadTests.Scenarios;

/// <summary>
/// Strong-global write latency (loadtests/run.sh global): on <c>platform up</c> with 3 regions x 3 nodes
/// and a simulated 80 ms WAN round trip, one writer at a time writes a strong-global namespace at a node
/// of each region, and, for comparison, a local-commit namespace at its home region's leader.
/// </summary>
public sealed class GlobalScenario
{
    public const string Regions = "eu-west,us-east,ap-south";
    public const string HomeRegion = "eu-west";
    public const string StrongNamespace = "global-load";
    public const string LocalNamespace = "local-load";
    public const int NodesPerRegion = 3;

    /// <summary>The WAN round trip of the issue's goal ("one WAN round trip plus at most 5 ms").</summary>
    public static readonly TimeSpan WanRoundTrip = TimeSpan.FromMilliseconds(80);
    public static readonly TimeSpan GoalSlack = TimeSpan.FromMilliseconds(5);

    private static readonly TimeSpan LeadershipQuiet = TimeSpan.FromSeconds(5);

    // Elections across an 80 ms WAN, and `up` moving leaders after start, take longer than inside a region.
    private static readonly TimeSpan LeadershipBound = TimeSpan.FromSeconds(90);

    private readonly RunParameters parameters;
    private readonly ClusterInfo cluster;
    private readonly IReadOnlyList<(string Region, ClusterNode Node, PlatformClient Client)> nodes;
    private readonly LoadHttp http;
    private readonly ReadOnlyMemory<byte> value;
    private readonly List<string> notes = [];

    private GlobalScenario(RunParameters parameters, ClusterInfo cluster, IReadOnlyList<(string, ClusterNode, PlatformClient)> nodes, LoadHttp http)
    {
        this.parameters = parameters;
        this.cluster = cluster;
        this.nodes = nodes;
        this.http = http;
        var bytes = new byte[parameters.ValueBytes];
        new Random(42).NextBytes(bytes);
        value = bytes;
    }

    public static string Command => $"platform up --regions {Regions} --nodes {NodesPerRegion} --wan-rtt {WanRoundTrip.TotalMilliseconds:0}ms --base-port 0 --data-dir <fresh directory>";

    public static double GoalMs => (WanRoundTrip + GoalSlack).TotalMilliseconds;

    public static async Task<GlobalReport> RunAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        Console.WriteLine($"==> global: {Command}");
        try
        {
            await using var up = await PlatformUpProcess.StartAsync(
                options.PlatformDll, Regions, NodesPerRegion, options.DataRoot,
                ["--wan-rtt", string.Create(CultureInfo.InvariantCulture, $"{WanRoundTrip.TotalMilliseconds:0}ms")], cancellationToken);
            Console.WriteLine($"    ready after {up.ReadyAfter.TotalSeconds:F2} s");
            var nodes = up.Cluster.Regions
                .SelectMany(r => r.Nodes.Select(n => (r.Name, n, new PlatformClient(n.Endpoint, up.Cluster.AdminToken))))
                .ToList();
            try
            {
                using var http = new LoadHttp(up.Cluster.AdminToken, connectionsPerServer: 4);
                var scenario = new GlobalScenario(options.Parameters, up.Cluster, nodes, http);
                return await scenario.MeasureAsync(machine, up.ReadyAfter, cancellationToken);
            }
            finally
            {
                foreach (var (_, _, client) in nodes)
                {
                    client.Dispose();
                }
            }
        }
        catch (Exception problem) when (problem is InvalidOperationException or TimeoutException or HttpRequestException or PlatformProblemException && !cancellationToken.IsCancellationRequested)
        {
            // The platform did not come up, or the namespaces or a leader could not be had: that is the finding.
            Console.Error.WriteLine($"    global could not be measured: {problem.Message}");
            return Unmeasured(options.Parameters, machine, $"{problem.GetType().Name}: {problem.Message.Split('\n')[0]}");
        }
    }

    private async Task<GlobalReport> MeasureAsync(MachineInfo machine, TimeSpan ready, CancellationToken cancellationToken)
    {
        var entry = nodes.First(n => n.Region == HomeRegion).Client;
        var strongGroup = await CreateAsync(entry, StrongNamespace, new NamespaceSpec(NamespaceSpec.StrongGlobal), cancellationToken);
        var localGroup = await CreateAsync(entry, LocalNamespace, new NamespaceSpec(NamespaceSpec.LocalCommit, HomeRegion), cancellationToken);

        // Every node of every region has a voter in the strong-global group; only the home region's nodes hold the local one.
        var all = nodes.Select(n => n.Client).ToList();
        var home = nodes.Where(n => n.Region == HomeRegion).Select(n => n.Client).ToList();
        var strongOnly = new HashSet<long> { strongGroup };
        var localOnly = new HashSet<long> { localGroup };
        var local = await SettleAsync(home, localOnly, $"group {localGroup} ({HomeRegion})", cancellationToken);
        var strong = await SettleAsync(all, strongOnly, $"the strong-global group {strongGroup}", cancellationToken);
        local = await Leadership.ReadAsync(home, localOnly, cancellationToken) ?? local;

        var globalLeader = strong?.Leaders.GetValueOrDefault(strongGroup)
            ?? throw new InvalidOperationException($"the nodes do not agree on a leader of the strong-global group {strongGroup}");
        var localLeader = local?.Leaders.GetValueOrDefault(localGroup)
            ?? throw new InvalidOperationException($"the nodes of {HomeRegion} do not agree on a leader of group {localGroup}");
        var (leaderRegion, leaderNode) = SplitGlobalName(globalLeader);
        Console.WriteLine($"    {StrongNamespace} in strong-global group {strongGroup}, leader {globalLeader} (term {strong!.Terms[strongGroup]}); {LocalNamespace} in group {localGroup}, leader {HomeRegion}/{localLeader}");

        var unreadable = new List<string>();
        var roundTrips = await RoundTripReadings.ReadAsync(nodes, unreadable, cancellationToken);
        notes.AddRange(unreadable.Select(u => $"/v1/status could not be read for the round trips from {u}."));

        await WarmClusterAsync(leaderRegion, leaderNode, cancellationToken);
        var targets = new List<GlobalTarget>();
        foreach (var region in cluster.Regions.Select(r => r.Name))
        {
            // In the leader's region, its own node: the leader's commit alone. Elsewhere node-1, which forwards to it.
            var leads = region == leaderRegion;
            var node = leads ? leaderNode : cluster.Regions.First(r => r.Name == region).Nodes[0].Name;
            var path = leads
                ? $"leads the strong-global group: its commit (one WAN round trip to the nearest quorum)"
                : $"sends to the leader {globalLeader}, which accepts it into its log and replicates; this node's replica commits it on seeing a quorum durable (one WAN round trip in all)";
            targets.Add(await Guarded(all, strongOnly, () => SequenceAsync($"sg-{region}", region, node, StrongNamespace, NamespaceSpec.StrongGlobal, path, cancellationToken), cancellationToken));
        }

        targets.Add(await Guarded(home, localOnly, () => SequenceAsync(
            $"lc-{HomeRegion}", HomeRegion, localLeader, LocalNamespace, NamespaceSpec.LocalCommit,
            $"leads group {localGroup}, whose 3 voters are all in {HomeRegion}: no WAN round trip", cancellationToken), cancellationToken));

        return new GlobalReport(
            machine,
            parameters,
            parameters.IsFullRun,
            Command,
            ready.TotalSeconds,
            WanRoundTrip.TotalMilliseconds,
            GoalMs,
            StrongNamespace,
            LocalNamespace,
            strongGroup,
            globalLeader,
            leaderRegion,
            localGroup,
            $"{HomeRegion}/{localLeader}",
            targets,
            roundTrips,
            http.RefusalSamples.ToDictionary(r => r.Key.ToString(CultureInfo.InvariantCulture), r => r.Value),
            notes,
            Failure: null);
    }

    /// <summary>Creates the namespace (or finds it) and returns the group the catalog put it in.</summary>
    private static async Task<long> CreateAsync(PlatformClient client, string ns, NamespaceSpec spec, CancellationToken cancellationToken)
    {
        var created = await client.PutNamespaceAsync(ns, spec, cancellationToken);
        return (created ?? await client.GetNamespaceAsync(ns, cancellationToken)).Group
            ?? throw new InvalidOperationException($"the catalog does not say which group holds namespace {ns}");
    }

    private async Task<Leadership?> SettleAsync(IReadOnlyList<PlatformClient> clients, IReadOnlySet<long> groups, string what, CancellationToken cancellationToken)
    {
        var (leadership, settled) = await Leadership.WaitSettledAsync(clients, groups, LeadershipQuiet, LeadershipBound, cancellationToken);
        if (!settled)
        {
            notes.Add($"The leadership of {what} did not stay unchanged for {LeadershipQuiet.TotalSeconds:F0} s within {LeadershipBound.TotalSeconds:F0} s; measured anyway (last seen: {leadership?.Fingerprint ?? "no agreement"}).");
        }

        return leadership;
    }

    /// <summary>
    /// Before any sequence: writes from every target in turn, so every node's hot paths are compiled
    /// (tiered JIT promotes a method after 30 calls, then compiles it in the background on these same
    /// 2 cores) and the first sequence measured is not the one that pays for it.
    /// </summary>
    private async Task WarmClusterAsync(string leaderRegion, string leaderNode, CancellationToken cancellationToken)
    {
        var endpoints = cluster.Regions.Select(r => (r.Nodes.First(n => n.Name == (r.Name == leaderRegion ? leaderNode : r.Nodes[0].Name)).Endpoint, StrongNamespace)).ToList();
        Console.WriteLine($"==> warming every node: {ClusterWarmupRounds} rounds of one strong-global write from each region");
        await ClosedLoop.ForIterationsAsync(1, ClusterWarmupRounds * endpoints.Count, (_, i, ct) =>
        {
            var (endpoint, ns) = endpoints[(int)(i % endpoints.Count)];
            return http.PutAsync(LoadHttp.KeyUri(endpoint, ns, $"warm-cluster/{i:D6}"), value, ct);
        }, cancellationToken);
    }

    private const int ClusterWarmupRounds = 100;

    /// <summary>One writer, one request at a time, each to a new key, after a warm-up of the same.</summary>
    private async Task<GlobalTarget> SequenceAsync(string id, string region, string node, string ns, string mode, string path, CancellationToken cancellationToken)
    {
        var endpoint = cluster.Regions.First(r => r.Name == region).Nodes.First(n => n.Name == node).Endpoint;
        Console.WriteLine($"==> ({id}) {parameters.GlobalWrites} sequential writes to {ns} at {region}/{node}");
        var warmup = await ClosedLoop.ForIterationsAsync(1, parameters.GlobalWarmup, (_, i, ct) =>
            http.PutAsync(LoadHttp.KeyUri(endpoint, ns, $"warm-{id}/{i:D6}"), value, ct), cancellationToken);
        var run = await ClosedLoop.ForIterationsAsync(1, parameters.GlobalWrites, (_, i, ct) =>
            http.PutAsync(LoadHttp.KeyUri(endpoint, ns, $"seq-{id}/{i:D6}"), value, ct), cancellationToken);
        var phase = PhaseResult.From(id, $"{mode} write from {region}", $"PUT {parameters.ValueBytes} B, a new key each time", 1, $"{region}/{node}", run, warmup, note: null);
        return new GlobalTarget(region, node, ns, mode, path, phase, LatencyAgainstGoal.From(phase.Latency, GoalMs));
    }

    /// <summary>Runs a sequence and notes on it when the leadership of its group changed meanwhile: its figures then include an election.</summary>
    private static async Task<GlobalTarget> Guarded(IReadOnlyList<PlatformClient> clients, IReadOnlySet<long> groups, Func<Task<GlobalTarget>> sequence, CancellationToken cancellationToken)
    {
        var before = await Leadership.ReadAsync(clients, groups, cancellationToken);
        var target = await sequence();
        var after = await Leadership.ReadAsync(clients, groups, cancellationToken);
        var latency = target.Phase.Latency;
        if (before is null || before.Fingerprint != after?.Fingerprint)
        {
            var note = $"group leadership changed during this sequence (before: {before?.Fingerprint ?? "no agreement"}; after: {after?.Fingerprint ?? "no agreement"})";
            Console.WriteLine($"    note: {note}");
            target = target with { Phase = target.Phase with { Note = note } };
        }

        Console.WriteLine($"    p50 {latency.P50Ms:F2} ms, p90 {latency.P90Ms:F2} ms, p99 {latency.P99Ms:F2} ms, max {latency.MaxMs:F2} ms, errors {target.Phase.Errors} (+{target.Phase.WarmupErrors} in warm-up)");
        return target;
    }

    /// <summary>The strong-global group names its leader <c>region/node</c>.</summary>
    private static (string Region, string Node) SplitGlobalName(string name) =>
        name.Split('/') is [var region, var node] ? (region, node)
        : throw new InvalidOperationException($"the strong-global leader '{name}' is not region/node");

    private static GlobalReport Unmeasured(RunParameters parameters, MachineInfo machine, string failure) => new(
        machine, parameters, parameters.IsFullRun, Command, null, WanRoundTrip.TotalMilliseconds, GoalMs, StrongNamespace, LocalNamespace,
        null, null, null, null, null, [], [], new Dictionary<string, string>(), [], failure);
}
