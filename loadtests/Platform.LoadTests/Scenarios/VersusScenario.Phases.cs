using System.Globalization;
using Platform.LoadTests.Drivers;
using Platform.LoadTests.Load;

namespace Platform.LoadTests.Scenarios;

/// <summary>The phases of a versus round, the same list for both systems, in the order they run.</summary>
public sealed partial class VersusScenario
{
    private delegate Task<MeasuredRun> PhaseRun(IKvDriver driver, string label, int round, CancellationToken cancellationToken);

    /// <param name="Group">The report's table it belongs in.</param>
    private sealed record PhaseDefinition(string Id, string Group, string Load, bool Throughput, PhaseRun Run);

    private List<PhaseDefinition> Phases()
    {
        var warmup = TimeSpan.FromSeconds(parameters.WarmupSeconds);
        var duration = TimeSpan.FromSeconds(parameters.Seconds);
        var phases = new List<PhaseDefinition>();
        foreach (var concurrency in parameters.Concurrencies)
        {
            phases.Add(new($"write-distinct-c{concurrency}", "Writes, distinct keys", $"closed loop, {concurrency} writer(s)", true, (driver, label, round, ct) =>
                MeasuredLoad.ClosedAsync(label, concurrency, warmup, duration, (worker, i, c) =>
                    driver.PutAsync(worker % driver.Members, string.Create(CultureInfo.InvariantCulture, $"d/{concurrency}/{round}/{worker}/{i}"), value, c), ct)));
        }

        foreach (var concurrency in parameters.Concurrencies)
        {
            phases.Add(new($"write-hot-c{concurrency}", "Writes, one hot key", $"closed loop, {concurrency} writer(s)", true, (driver, label, _, ct) =>
                MeasuredLoad.ClosedAsync(label, concurrency, warmup, duration, (worker, _, c) => driver.PutAsync(worker % driver.Members, "hot", value, c), ct)));
        }

        var rate = parameters.OpenRate;
        phases.Add(new(string.Create(CultureInfo.InvariantCulture, $"write-open-{rate:0}"), "Writes, open loop (latency from each write's intended start)",
            string.Create(CultureInfo.InvariantCulture, $"{rate:N0} writes/s, at most {parameters.OpenOutstandingMax} outstanding"), true, (driver, label, round, ct) =>
                MeasuredLoad.OpenAsync(label, rate, parameters.OpenOutstandingMax, warmup, duration, (worker, i, c) =>
                    driver.PutAsync(worker % driver.Members, string.Create(CultureInfo.InvariantCulture, $"o/{round}/{i}"), value, c), ct)));

        phases.Add(new($"cas-c{parameters.CasConcurrency}", "CAS transactions (read modRevision, then compare-and-put)",
            $"closed loop, {parameters.CasConcurrency} workers on {parameters.CasKeys} keys", true, (driver, label, _, ct) =>
            {
                // One generator per worker (Random is not thread-safe), seeded so each run competes alike.
                var randoms = Enumerable.Range(0, parameters.CasConcurrency).Select(w => new Random(w)).ToArray();
                return MeasuredLoad.ClosedAsync(label, parameters.CasConcurrency, warmup, duration, (worker, _, c) =>
                    driver.CasAsync(worker % driver.Members, CasKey(randoms[worker].Next(parameters.CasKeys)), value, c), ct);
            }));

        foreach (var consistency in (ReadConsistency[])[ReadConsistency.Linearizable, ReadConsistency.Serializable])
        {
            var name = consistency.ToString().ToLowerInvariant();
            phases.Add(new($"read-{name}-c{parameters.ReadConcurrency}", "Reads", $"{name}, closed loop, {parameters.ReadConcurrency} readers of {parameters.ReadKeys:N0} keys", true, (driver, label, _, ct) =>
            {
                var randoms = Enumerable.Range(0, parameters.ReadConcurrency).Select(w => new Random(w)).ToArray();
                return MeasuredLoad.ClosedAsync(label, parameters.ReadConcurrency, warmup, duration, (worker, _, c) =>
                    driver.GetAsync(worker % driver.Members, ReadKey(randoms[worker].Next(parameters.ReadKeys)), consistency, c), ct);
            }));
        }

        foreach (var watchers in parameters.Watchers)
        {
            phases.Add(new($"watch-{watchers}", "Watch delivery (from each write's acknowledgement to its event at each watcher)",
                string.Create(CultureInfo.InvariantCulture, $"{watchers:N0} watchers at one member, {parameters.WatchWrites} writes {parameters.WatchSpacingMs:0} ms apart"), false,
                (driver, _, round, ct) => WatchAsync(driver, watchers, round, ct)));
        }

        return phases;
    }
}
