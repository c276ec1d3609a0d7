using System.Diagnostics;
using Platform.LoadTests.Drivers;
using Platform.LoadTests.Load;
using Platform.LoadTests.Report;

namespace Platform.LoadTests.Scenarios;

/// <summary>
/// The platform against etcd in the same run on the same machine, 3 members each, fsync on: writes of
/// 64-byte values to distinct keys and to one hot key at each concurrency, open-loop writes at a fixed rate,
/// CAS transactions, linearizable and serializable reads, watch delivery to many watchers, in rounds that
/// alternate the systems (each alone on the machine while measured, on a fresh cluster per round); then
/// leader kills, each on a fresh cluster. See <see cref="VersusParameters"/> for the knobs.
/// </summary>
public sealed partial class VersusScenario
{
    private const int PreloadParallel = 16;
    private static readonly TimeSpan WatchSettle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DeliveryBound = TimeSpan.FromSeconds(10);

    private readonly HarnessOptions options;
    private readonly VersusParameters parameters;
    private readonly ReadOnlyMemory<byte> value;
    private readonly Dictionary<(string Phase, string System), List<MeasuredRun>> runs = [];
    private readonly Dictionary<string, string> setups = [];
    private readonly List<string> notes = [];
    private readonly List<string> failures = [];

    private VersusScenario(HarnessOptions options)
    {
        this.options = options;
        parameters = options.Versus;
        var bytes = new byte[parameters.ValueBytes];
        new Random(64).NextBytes(bytes);
        value = bytes;
    }

    public static async Task<VersusReport> RunAsync(HarnessOptions options, MachineInfo machine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var scenario = new VersusScenario(options);
        return await scenario.MeasureAsync(machine, cancellationToken);
    }

    private async Task<VersusReport> MeasureAsync(MachineInfo machine, CancellationToken cancellationToken)
    {
        if (options.EtcdScript is null || !File.Exists(options.EtcdScript))
        {
            failures.Add($"no etcd script (given: '{options.EtcdScript}'; pass --repo or --etcd-script): etcd was not measured");
        }

        var systems = options.EtcdScript is null || !File.Exists(options.EtcdScript) ? new[] { VersusReport.Platform } : [VersusReport.Platform, VersusReport.Etcd];
        var phases = Phases();
        for (var round = 1; round <= parameters.Rounds; round++)
        {
            // Alternating which system goes first spreads a machine that gets busier over the run over both.
            var order = round % 2 == 1 ? systems : [.. systems.Reverse()];
            foreach (var system in order)
            {
                await RoundAsync(system, round, phases, cancellationToken);
            }
        }

        var trials = new List<KillTrial>();
        for (var trial = 1; trial <= parameters.KillTrials; trial++)
        {
            foreach (var system in systems)
            {
                trials.Add(await KillTrialAsync(system, trial, cancellationToken));
            }
        }

        var measured = phases
            .Select(phase => new VersusPhase(phase.Id, phase.Group, phase.Load, phase.Throughput,
                [.. systems.Where(s => runs.ContainsKey((phase.Id, s))).Select(s => PhaseSystem.Of(s, runs[(phase.Id, s)]))]))
            .Where(phase => phase.Systems.Count > 0)
            .ToList();
        var kills = systems.Select(s => FigureSummary.Of(s, "s", trials.Where(t => t.System == s).Select(t => t.ResumeAfterSeconds))).ToList();
        var edge = EdgeComparisonReader.Read(options.ResultsDirectory);
        return new VersusReport(machine, parameters, parameters.IsFullRun, setups, measured, trials, kills, edge, VersusGoals.Judge(measured, kills, edge), notes, failures, SideScenarioReader.Read(options.ResultsDirectory));
    }

    private async Task RoundAsync(string system, int round, IReadOnlyList<PhaseDefinition> phases, CancellationToken cancellationToken)
    {
        Console.WriteLine($"==> versus round {round}/{parameters.Rounds}: {system}");
        try
        {
            await using var driver = await StartAsync(system, cancellationToken);
            setups[system] = driver.Setup;
            await PreloadAsync(driver, cancellationToken);
            await WarmUpAsync(driver, cancellationToken);
            foreach (var phase in phases)
            {
                var run = await phase.Run(driver, $"{system} {phase.Id} r{round}", round, cancellationToken);
                Console.WriteLine(Units.Invariant($"    {system} {phase.Id}: {(phase.Throughput ? Units.PerSecond(run.OkPerSecond, "ops") : Units.Count(run.Ok) + " deliveries")}, p50 {Units.Ms(run.Latency.P50Ms)}, p99 {Units.Ms(run.Latency.P99Ms)}, p99.9 {Units.Ms(run.Latency.P999Ms)}, errors {run.Errors + run.Dropped}{(run.Conflicts > 0 ? $", conflicts {run.Conflicts}" : string.Empty)}"));
                if (!runs.TryGetValue((phase.Id, system), out var list))
                {
                    runs[(phase.Id, system)] = list = [];
                }

                list.Add(run);
            }
        }
        catch (Exception problem) when (problem is InvalidOperationException or TimeoutException or HttpRequestException or Grpc.Core.RpcException or Platform.Client.PlatformProblemException && !cancellationToken.IsCancellationRequested)
        {
            failures.Add($"{system}, round {round}: {problem.GetType().Name}: {problem.Message}");
            Console.Error.WriteLine($"    {system} round {round} failed: {problem.Message}");
        }
    }

    private async Task<IKvDriver> StartAsync(string system, CancellationToken cancellationToken)
    {
        if (system == VersusReport.Etcd)
        {
            return await EtcdDriver.StartAsync(options.EtcdScript!, options.DataRoot, cancellationToken);
        }

        var maxConcurrency = parameters.Concurrencies.Append(parameters.ReadConcurrency).Append(parameters.OpenOutstandingMax).Max();
        var platform = await PlatformDriver.StartAsync(options.PlatformDll, options.DataRoot, maxConcurrency, cancellationToken);
        if (platform.SettleNote is { } note)
        {
            notes.Add(note);
        }

        return platform;
    }

    /// <summary>Writes the keys the reads and the CAS phase use; not measured. A failure here fails the round.</summary>
    private async Task PreloadAsync(IKvDriver driver, CancellationToken cancellationToken)
    {
        var keys = Enumerable.Range(0, parameters.ReadKeys).Select(ReadKey).Concat(Enumerable.Range(0, parameters.CasKeys).Select(CasKey)).ToList();
        using var gate = new SemaphoreSlim(PreloadParallel);
        var outcomes = await Task.WhenAll(keys.Select(async (key, index) =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                return await driver.PutAsync(index % driver.Members, key, value, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }));
        if (outcomes.FirstOrDefault(o => o.Kind != OpKind.Ok) is { Kind: OpKind.Failed } failed)
        {
            throw new InvalidOperationException($"writing the {keys.Count} keys of the read and CAS phases failed: {failed.Failure}");
        }
    }

    /// <summary>
    /// <see cref="VersusParameters.ClusterWarmupSeconds"/> of writes and serializable reads by 16
    /// workers over every member, not recorded; failures here are not errors (nothing is measured yet).
    /// </summary>
    private async Task WarmUpAsync(IKvDriver driver, CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + (long)(parameters.ClusterWarmupSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, PreloadParallel).Select(async worker =>
        {
            for (var i = 0; Stopwatch.GetTimestamp() < until; i++)
            {
                var member = (worker + i) % driver.Members;
                try
                {
                    _ = i % 2 == 0
                        ? await driver.PutAsync(member, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"warm/{worker}/{i}"), value, cancellationToken)
                        : await driver.GetAsync(member, ReadKey(i % parameters.ReadKeys), ReadConsistency.Serializable, cancellationToken);
                }
#pragma warning disable CA1031 // A warm-up failure is not a measurement: the phases that follow record their own.
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                }
            }
        }));
    }

    private static string ReadKey(int index) => $"read/{index:D5}";

    private static string CasKey(int index) => $"cas/{index:D2}";

    /// <summary>Times the delivery of spaced writes to <paramref name="count"/> watchers at member 0, from each write's acknowledgement.</summary>
    private async Task<MeasuredRun> WatchAsync(IKvDriver driver, int count, int round, CancellationToken cancellationToken)
    {
        await using var fleet = await driver.OpenWatchersAsync(0, count, cancellationToken);
        var transport = $"{driver.SystemName} watchers of {count:N0}: {fleet.Transport}";
        if (!notes.Contains(transport))
        {
            notes.Add(transport);
        }

        await Task.Delay(WatchSettle, cancellationToken);
        var writes = new List<(long Sent, long Acknowledged, long Revision)>();
        var failedWrites = 0;
        var window = Stopwatch.StartNew();
        for (var w = 0; w < parameters.WatchWrites; w++)
        {
            var sent = Stopwatch.GetTimestamp();
            var revision = await driver.PutWatchedAsync(0, $"w/{round}/{w:D4}", value, cancellationToken);
            if (revision is { } r)
            {
                writes.Add((sent, Stopwatch.GetTimestamp(), r));
            }
            else
            {
                failedWrites++;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(parameters.WatchSpacingMs), cancellationToken);
        }

        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < DeliveryBound && fleet.Arrivals().Sum(a => (long)a.Count) < (long)fleet.Opened * writes.Count)
        {
            await Task.Delay(100, cancellationToken);
        }

        var histogram = LatencyHistograms.Create();
        long seen = 0;
        foreach (var arrivals in fleet.Arrivals())
        {
            foreach (var write in writes)
            {
                if (arrivals.TryGetValue(write.Revision, out var arrived))
                {
                    seen++;

                    // An event may beat the writer's acknowledgement to the harness: that delivery took no time after it.
                    histogram.RecordValue(LatencyHistograms.Microseconds(Math.Max(0, arrived - write.Acknowledged)));
                }
            }
        }

        var expected = (long)fleet.Opened * writes.Count;
        var errors = (expected - seen) + (count - fleet.Opened) + failedWrites;
        var failure = errors == 0 ? null
            : $"{count - fleet.Opened} watcher(s) not opened, {expected - seen} of {expected} events missed, {failedWrites} write(s) failed{(fleet.FirstFailure is null ? string.Empty : "; " + fleet.FirstFailure)}";
        return new MeasuredRun("watch", count, null, window.Elapsed.TotalSeconds, seen, 0, errors, 0, 0, failure, HistogramSummary.Of(histogram)) { Histogram = histogram };
    }
}
