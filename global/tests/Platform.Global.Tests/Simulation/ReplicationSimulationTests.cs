using System.Collections.Concurrent;
using Platform.Testing.Simulation;

namespace Platform.Global.Tests.Simulation;

/// <summary>
/// The replication rules under deterministic simulation (leases with drifting clocks, fencing,
/// switchovers, unplanned failovers, the replicator, frozen and cut-off regions): at least 1,000
/// seeds in CI; <c>SIM_SEED=n</c> replays one with its trace, <c>SIM_SEEDS=a..b</c> runs a range.
/// </summary>
[Trait("Category", "Simulation")]
// One simulation at a time: each spreads its seeds over every core.
[Collection("Simulations")]
public sealed class ReplicationSimulationTests
{
    private const int DefaultSeeds = 1000;

    [Fact]
    public void Leases_fencing_promotion_and_the_replicator_keep_their_rules_on_every_seed()
    {
        var seeds = SimulationSeeds.Resolve(1, DefaultSeeds);
        var failures = new ConcurrentBag<(int Seed, string Failure, IReadOnlyList<string> Trace)>();
        var reports = new ConcurrentBag<ReplicationRunReport>();
        Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var (report, failure, trace) = ReplicationSimulation.Run(seed);
            reports.Add(report);
            if (failure is not null)
            {
                failures.Add((seed, failure, trace));
            }
        });

        if (!failures.IsEmpty)
        {
            var first = failures.OrderBy(f => f.Seed).First();
            Assert.Fail($"{failures.Count} of {seeds.Count} seeds broke a rule; seed {first.Seed} (replay with SIM_SEED={first.Seed}): {first.Failure}\n" +
                string.Join('\n', first.Trace.TakeLast(Environment.GetEnvironmentVariable("SIM_SEED") is null ? 60 : 4000)));
        }

        // The runs did what they are for: moves of both kinds happened and writes were acknowledged.
        Assert.Equal(seeds.Count, reports.Count);
        if (seeds.Count >= 100)
        {
            Assert.True(reports.Sum(r => r.Switchovers) > seeds.Count / 4, $"only {reports.Sum(r => r.Switchovers)} switchovers completed");
            Assert.True(reports.Sum(r => r.Failovers) > seeds.Count / 4, $"only {reports.Sum(r => r.Failovers)} failovers completed");
            Assert.True(reports.Sum(r => r.Acknowledged) > seeds.Count * 50, $"only {reports.Sum(r => r.Acknowledged)} writes acknowledged");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{seeds.Count} seeds: {reports.Sum(r => r.Acknowledged)} writes acknowledged, {reports.Sum(r => r.Switchovers)} switchovers, " +
            $"{reports.Sum(r => r.Failovers)} failovers, {reports.Sum(r => r.Aborted)} moves aborted, {reports.Sum(r => r.LostPastFork)} acknowledged writes past a fork");
    }
}
