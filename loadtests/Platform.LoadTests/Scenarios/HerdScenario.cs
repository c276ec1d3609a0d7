using Platform.Client;
using Platform.Client.Models;
using Platform.LoadTests.Cluster;
using Platform.LoadTests.Load;
using Platform.LoadTests.Report;

namespace Platform.LoadTests.Scenarios;

/// <summary>
/// A cold-start herd (loadtests/run.sh herd): a fleet of <see cref="RunParameters.HerdClients"/>
/// machines restarting together, each reading its configuration (<see cref="KeysPerClient"/> keys of
/// one namespace none of them has read before), through the region's edge proxy and, side by side,
/// straight from the region's three nodes (serializable reads, the nodes' cheapest). In each round
/// every target gets a fresh namespace, so the edge starts cold: no catalog entry, no watch, no key.
/// </summary>
public static class HerdScenario
{
    public const string Region = "eu-west";
    public const int NodesPerRegion = 3;
    public const int KeysPerClient = 10;
    public const int ValueBytes = 64;
    public const string EdgeTarget = "edge";
    public const string NodesTarget = "nodes";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static string Command => $"platform up --regions {Region} --nodes {NodesPerRegion} --base-port 0 --data-dir <fresh directory>";

    public static async Task<HerdReport> RunAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clients = options.Parameters.HerdClients;
        var rounds = options.Parameters.EdgeRounds;
        Console.WriteLine($"==> herd: {Command}; {clients} clients x {KeysPerClient} cold keys, {rounds} round(s) through the edge and straight at the nodes");
        var rows = new List<HerdRow>();
        var failures = new List<string>();
        try
        {
            await using var up = await PlatformUpProcess.StartAsync(options.PlatformDll, Region, NodesPerRegion, options.DataRoot, cancellationToken);
            var region = up.Cluster.Regions.Single();
            var edge = region.Edge ?? throw new InvalidOperationException("cluster.json names no edge proxy for the region");
            using var scrape = new HttpClient();
            for (var round = 1; round <= rounds; round++)
            {
                // Alternating which goes first keeps the machine's drift (GC, page cache) off one side.
                string[] order = round % 2 == 1 ? [EdgeTarget, NodesTarget] : [NodesTarget, EdgeTarget];
                foreach (var target in order)
                {
                    var ns = $"herd-{round}-{target}";
                    var keys = await SeedAsync(up, region.Nodes[0], ns, cancellationToken);
                    await Task.Delay(Settle, cancellationToken);
                    var before = await EdgeMetricsSnapshot.ReadAsync(scrape, edge.Endpoint, cancellationToken);
                    var outcome = target == EdgeTarget
                        ? await HerdRun.RunAsync([edge.Endpoint], up.Cluster.AdminToken, ns, keys, clients, string.Empty, Bound, cancellationToken)
                        : await HerdRun.RunAsync([.. region.Nodes.Select(n => n.Endpoint)], up.Cluster.AdminToken, ns, keys, clients, "?consistency=serializable", Bound, cancellationToken);
                    var after = await EdgeMetricsSnapshot.ReadAsync(scrape, edge.Endpoint, cancellationToken);
                    var row = HerdRow.From(round, target, clients, KeysPerClient, outcome, target == EdgeTarget ? after.Fetches - before.Fetches : outcome.Requests);
                    rows.Add(row);
                    Console.WriteLine(Units.Invariant($"    round {round} {target}: all {row.Configured} configured after {row.AllConfiguredMs:F0} ms (p50 {row.P50Ms:F0}, p99 {row.P99Ms:F0}), {row.Requests} requests, {row.Retries} retries, {row.FailedClients} failed, {row.RegionReads} reads reached the region"));
                }
            }
        }
        catch (Exception problem) when (problem is InvalidOperationException or TimeoutException or HttpRequestException or PlatformProblemException && !cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine($"    herd could not be measured: {problem.Message}");
            failures.Add($"{problem.GetType().Name}: {problem.Message.Split('\n')[0]}");
        }

        return new HerdReport(machine, options.Parameters, Command, rows, failures);
    }

    /// <summary>A fresh namespace with the fleet's keys, written at a node: the edge has not heard of it.</summary>
    private static async Task<IReadOnlyList<string>> SeedAsync(PlatformUpProcess up, ClusterNode node, string ns, CancellationToken cancellationToken)
    {
        using var admin = new PlatformClient(node.Endpoint, up.Cluster.AdminToken);
        await admin.PutNamespaceAsync(ns, new NamespaceSpec(NamespaceSpec.StrongGlobal), cancellationToken);
        var keys = Enumerable.Range(0, KeysPerClient).Select(i => $"service/setting-{i:00}").ToList();
        var value = new byte[ValueBytes];
        new Random(7).NextBytes(value);
        foreach (var key in keys)
        {
            await admin.PutAsync(ns, key, value, "application/octet-stream", cancellationToken: cancellationToken);
        }

        return keys;
    }
}
