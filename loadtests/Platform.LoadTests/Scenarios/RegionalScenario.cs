using System.Globalization;
using Platform.Client;
using Platform.Client.Models;
using Platform.LoadTests.Cluster;
using Platform.LoadTests.Load;
using Platform.LoadTests.Report;

namespace Platform.LoadTests.Scenarios;

/// <summary>
/// Scenarios (a) to (d) against one region of three nodes started by <c>platform up</c>: write latency
/// at the leader and through a follower, write throughput, and linearizable and serializable reads.
/// </summary>
public sealed class RegionalScenario
{
    public const string Region = "eu-west";
    public const string Namespace = "load";
    private static readonly TimeSpan LeadershipQuiet = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LeadershipBound = TimeSpan.FromSeconds(60);

    private readonly RunParameters parameters;
    private readonly IReadOnlyList<ClusterNode> nodes;
    private readonly IReadOnlyList<PlatformClient> admin;
    private readonly LoadHttp http;
    private readonly ReadOnlyMemory<byte> value;
    private readonly List<string> notes = [];

    private RegionalScenario(RunParameters parameters, IReadOnlyList<ClusterNode> nodes, IReadOnlyList<PlatformClient> admin, LoadHttp http)
    {
        this.parameters = parameters;
        this.nodes = nodes;
        this.admin = admin;
        this.http = http;
        var bytes = new byte[parameters.ValueBytes];
        new Random(42).NextBytes(bytes);
        value = bytes;
    }

    public static async Task<RegionalReport> RunAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var parameters = options.Parameters;
        Console.WriteLine($"==> regional: platform up --regions {Region} --nodes 3");
        await using var up = await PlatformUpProcess.StartAsync(options.PlatformDll, Region, 3, options.DataRoot, cancellationToken);
        Console.WriteLine($"    ready after {up.ReadyAfter.TotalSeconds:F2} s");
        var nodes = up.Cluster.Nodes.ToList();
        var admin = nodes.Select(n => new PlatformClient(n.Endpoint, up.Cluster.AdminToken)).ToList();
        try
        {
            using var http = new LoadHttp(up.Cluster.AdminToken, Math.Max(64, parameters.Concurrency));
            var scenario = new RegionalScenario(parameters, nodes, admin, http);
            return await scenario.MeasureAsync(machine, up.ReadyAfter, cancellationToken);
        }
        finally
        {
            foreach (var client in admin)
            {
                client.Dispose();
            }
        }
    }

    private async Task<RegionalReport> MeasureAsync(MachineInfo machine, TimeSpan regionReady, CancellationToken cancellationToken)
    {
        var created = await admin[0].PutNamespaceAsync(Namespace, new NamespaceSpec(NamespaceSpec.LocalCommit, Region), cancellationToken);
        var group = (created ?? await admin[0].GetNamespaceAsync(Namespace, cancellationToken)).Group
            ?? throw new InvalidOperationException($"the catalog does not say which group holds namespace {Namespace}");

        var (leadership, settled) = await Leadership.WaitSettledAsync(admin, LeadershipQuiet, LeadershipBound, cancellationToken);
        if (!settled)
        {
            notes.Add($"Group leadership did not stay unchanged for {LeadershipQuiet.TotalSeconds:F0} s within {LeadershipBound.TotalSeconds:F0} s of creating the namespace; measured anyway (last seen: {leadership?.Fingerprint ?? "no agreement"}).");
        }

        var leaderName = leadership is not null && leadership.Leaders.TryGetValue(group, out var name) ? name : null;
        var leader = nodes.FirstOrDefault(n => n.Name == leaderName)
            ?? throw new InvalidOperationException($"the nodes do not agree on a leader of group {group}");
        var follower = nodes.First(n => n != leader);
        Console.WriteLine($"    namespace {Namespace} in group {group}; leader {leader.Name}; leadership {leadership!.Fingerprint}");

        await PreloadReadKeysAsync(leader, cancellationToken);
        var phases = new List<PhaseResult>
        {
            await Guarded(() => SequentialWritesAsync("a-leader", leader, $"{leader.Name} (leader of group {group})", cancellationToken), cancellationToken),
            await Guarded(() => SequentialWritesAsync("a-follower", follower, $"{follower.Name} (follower; forwards to {leader.Name})", cancellationToken), cancellationToken),
            await Guarded(() => ConcurrentWritesAsync(cancellationToken), cancellationToken),
            await Guarded(() => ConcurrentReadsAsync("c", "linearizable", cancellationToken), cancellationToken),
            await Guarded(() => ConcurrentReadsAsync("d", "serializable", cancellationToken), cancellationToken),
        };

        return new RegionalReport(
            machine,
            parameters,
            parameters.IsFullRun,
            $"platform up --regions {Region} --nodes 3 --base-port 0 --data-dir <fresh directory>",
            regionReady.TotalSeconds,
            Namespace,
            group,
            leader.Name,
            phases,
            Up: null,
            http.RefusalSamples.ToDictionary(r => r.Key.ToString(CultureInfo.InvariantCulture), r => r.Value),
            notes);
    }

    /// <summary>Writes the keys the read phases read, ten writers at a time; not measured.</summary>
    private async Task PreloadReadKeysAsync(ClusterNode leader, CancellationToken cancellationToken)
    {
        const int Writers = 10;
        var perWriter = (parameters.ReadKeys + Writers - 1) / Writers;
        var run = await ClosedLoop.ForIterationsAsync(Writers, perWriter, (loop, i, ct) =>
            http.PutAsync(LoadHttp.KeyUri(leader.Endpoint, Namespace, ReadKey((int)((loop * perWriter) + i))), value, ct), cancellationToken);
        if (run.Errors > 0)
        {
            notes.Add($"Writing the {parameters.ReadKeys} keys for the read phases met {run.Errors} error(s) ({run.FirstFailure}): some reads may have found no key.");
        }
    }

    private static string ReadKey(int index) => $"read/{index:D5}";

    /// <summary>(a) one writer, one request at a time, each to a new key, after a warm-up of the same.</summary>
    private async Task<PhaseResult> SequentialWritesAsync(string id, ClusterNode target, string targetText, CancellationToken cancellationToken)
    {
        Console.WriteLine($"==> ({id}) {parameters.SequentialWrites} sequential writes to {targetText}");
        var warmup = await ClosedLoop.ForIterationsAsync(1, parameters.SequentialWarmup, (_, i, ct) =>
            http.PutAsync(LoadHttp.KeyUri(target.Endpoint, Namespace, $"warm-{id}/{i:D6}"), value, ct), cancellationToken);
        var run = await ClosedLoop.ForIterationsAsync(1, parameters.SequentialWrites, (_, i, ct) =>
            http.PutAsync(LoadHttp.KeyUri(target.Endpoint, Namespace, $"seq-{id}/{i:D6}"), value, ct), cancellationToken);
        return PhaseResult.From(id, "Write latency, one writer", $"PUT {parameters.ValueBytes} B, a new key each time", 1, targetText, run, warmup, note: null);
    }

    /// <summary>(b) many writers at once, spread over every node; each rewrites its own 1,000 keys in turn.</summary>
    private async Task<PhaseResult> ConcurrentWritesAsync(CancellationToken cancellationToken)
    {
        Console.WriteLine($"==> (b) {parameters.Concurrency} concurrent writers for {parameters.Seconds} s");
        LoadOperation write = (loop, i, ct) =>
            http.PutAsync(LoadHttp.KeyUri(nodes[loop % nodes.Count].Endpoint, Namespace, $"conc/{loop:D3}/{i % 1000:D4}"), value, ct);
        var warmup = await ClosedLoop.ForDurationAsync(parameters.Concurrency, TimeSpan.FromSeconds(parameters.WarmupSeconds), write, cancellationToken);
        var run = await ClosedLoop.ForDurationAsync(parameters.Concurrency, TimeSpan.FromSeconds(parameters.Seconds), write, cancellationToken);
        return PhaseResult.From("b", "Write throughput", $"PUT {parameters.ValueBytes} B, each writer cycling over its own 1,000 keys", parameters.Concurrency, SpreadText(), run, warmup, note: null);
    }

    /// <summary>(c) and (d): many readers at once, spread over every node, each reading preloaded keys at random.</summary>
    private async Task<PhaseResult> ConcurrentReadsAsync(string id, string consistency, CancellationToken cancellationToken)
    {
        Console.WriteLine($"==> ({id}) {parameters.Concurrency} concurrent {consistency} readers for {parameters.Seconds} s");
        var uris = nodes.Select(n => Enumerable.Range(0, parameters.ReadKeys).Select(k => LoadHttp.KeyUri(n.Endpoint, Namespace, ReadKey(k), consistency)).ToArray()).ToArray();

        // One generator per loop (Random is not thread-safe), seeded so every run reads the same sequence.
        var randoms = Enumerable.Range(0, parameters.Concurrency).Select(loop => new Random(loop)).ToArray();
        LoadOperation read = (loop, _, ct) =>
        {
            var keys = uris[loop % uris.Length];
            return http.GetAsync(keys[randoms[loop].Next(keys.Length)], ct);
        };
        var warmup = await ClosedLoop.ForDurationAsync(parameters.Concurrency, TimeSpan.FromSeconds(parameters.WarmupSeconds), read, cancellationToken);
        var run = await ClosedLoop.ForDurationAsync(parameters.Concurrency, TimeSpan.FromSeconds(parameters.Seconds), read, cancellationToken);
        return PhaseResult.From(id, $"Reads, {consistency}", $"GET ?consistency={consistency} of one of {parameters.ReadKeys} keys at random", parameters.Concurrency, SpreadText(), run, warmup, note: null);
    }

    private string SpreadText() => $"{string.Join(", ", nodes.Select(n => n.Name))} (loop i to node i mod {nodes.Count})";

    /// <summary>Runs a phase and notes on it when group leadership changed meanwhile: its figures then include an election.</summary>
    private async Task<PhaseResult> Guarded(Func<Task<PhaseResult>> phase, CancellationToken cancellationToken)
    {
        var before = await Leadership.ReadAsync(admin, cancellationToken);
        var result = await phase();
        var after = await Leadership.ReadAsync(admin, cancellationToken);
        if (before?.Fingerprint != after?.Fingerprint || before is null)
        {
            var note = $"group leadership changed during this phase (before: {before?.Fingerprint ?? "no agreement"}; after: {after?.Fingerprint ?? "no agreement"})";
            Console.WriteLine($"    note: {note}");
            return result with { Note = note };
        }

        Console.WriteLine($"    {result.PerSecond:F0}/s, p50 {result.Latency.P50Ms:F2} ms, p99 {result.Latency.P99Ms:F2} ms, errors {result.Errors}");
        return result;
    }
}
