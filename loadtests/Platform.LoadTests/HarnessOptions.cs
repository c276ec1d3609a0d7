using System.Collections;
using System.Globalization;
using System.Text.Json.Serialization;

namespace Platform.LoadTests;

/// <summary>
/// <c>Platform.LoadTests regional|up|failover|global|replication|drills|edge|herd|versus --platform PATH/platform.dll --results DIR [--repo DIR] [--etcd-script PATH]</c>, plus the
/// run's parameters from the environment so a short trial needs no other command line:
/// LOADTEST_SECONDS (each concurrent phase, default 15), LOADTEST_WARMUP_SECONDS (default 3; also the
/// writing before the failover's kill),
/// LOADTEST_WRITES (sequential writes per target, default 2000), LOADTEST_CONCURRENCY (default 64),
/// LOADTEST_GLOBAL_WRITES (sequential writes per target of the global scenario, default 300),
/// LOADTEST_DRILL_ROUNDS (rounds of four failover drills of the drills scenario, default 3),
/// LOADTEST_EDGE_KEYS (keys cached for the edge's memory per key, default 20000), LOADTEST_EDGE_WATCHERS
/// (downstream watchers of the edge, default 10000), LOADTEST_EDGE_WRITES (writes they are sent, default 20),
/// LOADTEST_HERD_CLIENTS (clients of the cold-start herd, default 10000; its rounds are LOADTEST_EDGE_ROUNDS),
/// LOADTEST_DATA_ROOT (where the fresh data directories go, default the temp directory); the versus
/// scenario's own in <see cref="VersusParameters"/>. Its etcd script defaults to the repository's loadtests/etcd.sh.
/// </summary>
public sealed record HarnessOptions(
    string Scenario,
    string PlatformDll,
    string ResultsDirectory,
    string? RepositoryRoot,
    string DataRoot,
    RunParameters Parameters,
    VersusParameters Versus,
    string? EtcdScript)
{
    public const string Usage = "usage: Platform.LoadTests regional|up|failover|global|replication|drills|edge|herd|versus --platform PATH/platform.dll --results DIR [--repo DIR] [--etcd-script PATH/etcd.sh]";

    /// <summary>The options, or null (with the reason in <paramref name="error"/>) when the command line is wrong.</summary>
    public static HarnessOptions? Parse(IReadOnlyList<string> args, IDictionary environment, out string? error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        error = null;
        if (args.Count == 0 || args[0] is not ("regional" or "up" or "failover" or "global" or "replication" or "drills" or "edge" or "herd" or "versus"))
        {
            error = Usage;
            return null;
        }

        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count || args[i] is not ("--platform" or "--results" or "--repo" or "--etcd-script"))
            {
                error = $"unexpected argument '{args[i]}'; {Usage}";
                return null;
            }

            named[args[i]] = args[i + 1];
        }

        if (!named.TryGetValue("--platform", out var platform) || !File.Exists(platform))
        {
            error = $"--platform must name the built platform.dll (given: '{platform}'); {Usage}";
            return null;
        }

        if (!named.TryGetValue("--results", out var results))
        {
            error = Usage;
            return null;
        }

        try
        {
            var parameters = new RunParameters(
                Seconds: Number(environment, "LOADTEST_SECONDS", RunParameters.Defaults.Seconds),
                WarmupSeconds: Number(environment, "LOADTEST_WARMUP_SECONDS", RunParameters.Defaults.WarmupSeconds),
                SequentialWrites: (int)Number(environment, "LOADTEST_WRITES", RunParameters.Defaults.SequentialWrites),
                Concurrency: (int)Number(environment, "LOADTEST_CONCURRENCY", RunParameters.Defaults.Concurrency),
                GlobalWrites: (int)Number(environment, "LOADTEST_GLOBAL_WRITES", RunParameters.Defaults.GlobalWrites),
                DrillRounds: (int)Number(environment, "LOADTEST_DRILL_ROUNDS", RunParameters.Defaults.DrillRounds),
                EdgeKeys: (int)Number(environment, "LOADTEST_EDGE_KEYS", RunParameters.Defaults.EdgeKeys),
                EdgeWatchers: (int)Number(environment, "LOADTEST_EDGE_WATCHERS", RunParameters.Defaults.EdgeWatchers),
                EdgeWrites: (int)Number(environment, "LOADTEST_EDGE_WRITES", RunParameters.Defaults.EdgeWrites),
                EdgeRounds: (int)Number(environment, "LOADTEST_EDGE_ROUNDS", RunParameters.Defaults.EdgeRounds),
                HerdClients: (int)Number(environment, "LOADTEST_HERD_CLIENTS", RunParameters.Defaults.HerdClients));
            var dataRoot = environment["LOADTEST_DATA_ROOT"] as string is { Length: > 0 } root ? root : Path.GetTempPath();
            var repo = named.GetValueOrDefault("--repo");
            var etcdScript = named.GetValueOrDefault("--etcd-script") ?? (repo is null ? null : Path.Combine(repo, "loadtests", "etcd.sh"));
            return new HarnessOptions(args[0], Path.GetFullPath(platform), Path.GetFullPath(results), repo, Path.GetFullPath(dataRoot), parameters,
                VersusParameters.FromEnvironment(environment), etcdScript is null ? null : Path.GetFullPath(etcdScript));
        }
        catch (FormatException problem)
        {
            error = problem.Message;
            return null;
        }
    }

    private static double Number(IDictionary environment, string name, double fallback)
    {
        if (environment[name] is not string { Length: > 0 } text)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new FormatException($"{name} must be a positive number, not '{text}'");
    }
}

/// <summary>The knobs of one run; <see cref="Defaults"/> are those of a full measurement.</summary>
/// <param name="ValueBytes">Bytes of every written value.</param>
/// <param name="ReadKeys">Keys written before the read phases, which read them at random.</param>
/// <param name="GlobalWrites">
/// Sequential writes per target of the global scenario: fewer than <paramref name="SequentialWrites"/>, as
/// each costs one or two simulated WAN round trips (80 to 160 ms) instead of about a millisecond.
/// </param>
/// <param name="DrillRounds">
/// Rounds of the drills scenario, each a switchover, its failback, a region loss and the switchover
/// back home: a region loss waits out the old home's lease (6.24 s at an 80 ms RTT) and its heal, so
/// rounds are slow and a trial needs fewer.
/// </param>
/// <param name="EdgeKeys">Distinct keys the edge scenario caches to measure the edge's memory per key.</param>
/// <param name="EdgeWatchers">Downstream SSE watchers the edge scenario opens on one namespace.</param>
/// <param name="EdgeWrites">Writes, 500 ms apart, whose delivery to every watcher the edge scenario times.</param>
/// <param name="EdgeRounds">Rounds of the edge/nginx cached-read runs (each connection count, each proxy): the verdict takes the median.</param>
public sealed record RunParameters(double Seconds, double WarmupSeconds, int SequentialWrites, int Concurrency, int ValueBytes = 100, int ReadKeys = 1000, int GlobalWrites = 300, int DrillRounds = 3, int EdgeKeys = 20_000, int EdgeWatchers = 10_000, int EdgeWrites = 20, int EdgeRounds = 3, int HerdClients = 10_000)
{
    public static RunParameters Defaults { get; } = new(Seconds: 15, WarmupSeconds: 3, SequentialWrites: 2000, Concurrency: 64);

    /// <summary>Sequential warm-up writes before each measured sequence: a tenth of it, at least 50.</summary>
    public int SequentialWarmup => Math.Max(50, SequentialWrites / 10);

    /// <summary>Warm-up writes before each measured sequence of the global scenario: a tenth of it, at least 10.</summary>
    public int GlobalWarmup => Math.Max(10, GlobalWrites / 10);

    [JsonIgnore]
    public bool IsFullRun => this == Defaults;
}
