using System.Collections;
using System.Globalization;
using System.Text.Json.Serialization;

namespace Platform.LoadTests;

/// <summary>
/// The knobs of the versus scenario (platform against etcd, same machine, same run); <see cref="Defaults"/>
/// are a full measurement (about 25 minutes), <see cref="Smoke"/> the CI's few-second check that the
/// harness still works. From the environment: LOADTEST_ROUNDS, LOADTEST_SECONDS, LOADTEST_WARMUP_SECONDS,
/// LOADTEST_VERSUS_CONCURRENCIES (comma-separated), LOADTEST_OPEN_RATE, LOADTEST_VERSUS_WATCHERS
/// (comma-separated), LOADTEST_WATCH_WRITES, LOADTEST_KILL_TRIALS, LOADTEST_CLUSTER_WARMUP_SECONDS; LOADTEST_SMOKE=1
/// starts from the smoke set.
/// </summary>
/// <param name="Rounds">Runs of every throughput phase per system; the report gives their median and range.</param>
/// <param name="Concurrencies">Closed-loop writers of the write phases (distinct keys, and one hot key).</param>
/// <param name="OpenRate">Arrivals per second of the open-loop write phase.</param>
/// <param name="OpenOutstandingMax">Open-loop requests in flight at most; one due beyond it is dropped and counted as an error.</param>
/// <param name="CasKeys">Keys the CAS workers compete for: few, so comparisons do fail.</param>
/// <param name="Watchers">Watcher counts of the watch-delivery phases.</param>
/// <param name="WatchWrites">Writes whose delivery to every watcher is timed, <paramref name="WatchSpacingMs"/> apart.</param>
/// <param name="KillTrials">Leader kills per system, each on a fresh cluster.</param>
/// <param name="ClusterWarmupSeconds">
/// Writes and reads, not recorded, on each fresh cluster before its first phase: the platform runs on
/// .NET, whose JIT reaches its optimized code over the first seconds of load (etcd is compiled ahead of
/// time), and a short per-phase warm-up left the first phase measuring the compiler.
/// </param>
public sealed record VersusParameters(
    int Rounds,
    double Seconds,
    double WarmupSeconds,
    IReadOnlyList<int> Concurrencies,
    double OpenRate,
    IReadOnlyList<int> Watchers,
    int WatchWrites,
    int KillTrials,
    int ValueBytes = 64,
    int OpenOutstandingMax = 256,
    int CasConcurrency = 16,
    int CasKeys = 8,
    int ReadConcurrency = 64,
    int ReadKeys = 1000,
    double WatchSpacingMs = 100,
    int KillWriters = 4,
    double ClusterWarmupSeconds = 20)
{
    public static VersusParameters Defaults { get; } = new(3, 10, 2, [1, 16, 64, 256], 1000, [1000, 10_000], 20, 3);

    public static VersusParameters Smoke { get; } = new(1, 1, 0.5, [1, 16], 200, [20, 50], 5, 1, ReadKeys: 50, ClusterWarmupSeconds: 1);

    [JsonIgnore]
    public bool IsFullRun => Rounds == Defaults.Rounds && Seconds.Equals(Defaults.Seconds) && WarmupSeconds.Equals(Defaults.WarmupSeconds)
        && Concurrencies.SequenceEqual(Defaults.Concurrencies) && OpenRate.Equals(Defaults.OpenRate) && Watchers.SequenceEqual(Defaults.Watchers)
        && WatchWrites == Defaults.WatchWrites && KillTrials == Defaults.KillTrials && ClusterWarmupSeconds.Equals(Defaults.ClusterWarmupSeconds);

    /// <summary>The parameters from the environment over the defaults (or the smoke set); throws FormatException on a bad value.</summary>
    public static VersusParameters FromEnvironment(IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = environment["LOADTEST_SMOKE"] as string == "1" ? Smoke : Defaults;
        return start with
        {
            Rounds = (int)Number(environment, "LOADTEST_ROUNDS", start.Rounds),
            Seconds = Number(environment, "LOADTEST_SECONDS", start.Seconds),
            WarmupSeconds = Number(environment, "LOADTEST_WARMUP_SECONDS", start.WarmupSeconds),
            Concurrencies = Numbers(environment, "LOADTEST_VERSUS_CONCURRENCIES", start.Concurrencies),
            OpenRate = Number(environment, "LOADTEST_OPEN_RATE", start.OpenRate),
            Watchers = Numbers(environment, "LOADTEST_VERSUS_WATCHERS", start.Watchers),
            WatchWrites = (int)Number(environment, "LOADTEST_WATCH_WRITES", start.WatchWrites),
            KillTrials = (int)Number(environment, "LOADTEST_KILL_TRIALS", start.KillTrials),
            ClusterWarmupSeconds = Number(environment, "LOADTEST_CLUSTER_WARMUP_SECONDS", start.ClusterWarmupSeconds),
        };
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

    private static IReadOnlyList<int> Numbers(IDictionary environment, string name, IReadOnlyList<int> fallback)
    {
        if (environment[name] is not string { Length: > 0 } text)
        {
            return fallback;
        }

        var values = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return values.Length > 0 && values.All(v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
            ? [.. values.Select(v => int.Parse(v, CultureInfo.InvariantCulture))]
            : throw new FormatException($"{name} must be positive integers separated by commas, not '{text}'");
    }
}
