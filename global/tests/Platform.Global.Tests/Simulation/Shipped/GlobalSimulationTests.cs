using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Testing.Simulation;

namespace Platform.Global.Tests.Simulation.Shipped;

/// <summary>
/// The seeded simulation of the shipped global layer (<see cref="GlobalSimulation"/>). CI runs the
/// default range; <c>SIM_SEED=n</c> replays one seed and <c>SIM_SEEDS=a..b</c> runs a range.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class GlobalSimulationTests(ITestOutputHelper output)
{
    private const int DefaultSeeds = 2000;

    [Fact]
    public void Every_seed_keeps_one_home_loses_nothing_unarchived_and_stays_linearizable()
    {
        var seeds = SimulationSeeds.Resolve(1, DefaultSeeds);
        var failures = new ConcurrentBag<(int Seed, string Failure)>();
        var reports = new ConcurrentBag<GlobalRunReport>();
        var stopwatch = Stopwatch.StartNew();
        Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var (report, failure, trace) = GlobalSimulation.Run(seed);
            reports.Add(report);
            if (seeds.Count == 1 && Environment.GetEnvironmentVariable("SIM_TRACE") is { Length: > 0 } traceFile)
            {
                // SIM_SEED=n SIM_TRACE=file: the last events of one seed's run, to read a run that passed.
                File.WriteAllText(traceFile, $"{report}\n{trace}\n");
            }

            if (failure is not null)
            {
                failures.Add((seed, failure));
            }
        });

        var summary = $"{seeds.Count} seeds in {stopwatch.Elapsed.TotalSeconds:F1}s: {reports.Sum(r => r.Completed)} client operations completed, " +
            $"{reports.Sum(r => r.Acknowledged)} puts acknowledged ({reports.Sum(r => r.Replayed)} replayed, {reports.Sum(r => r.Archived)} archived), " +
            $"{reports.Sum(r => r.Homes)} homes that acknowledged writes, {reports.Sum(r => r.Watched)} changes watched ({reports.Sum(r => r.WatchesEnded)} watches ended Diverged or Compacted); {reports.Sum(r => r.Crashes)} crashes, {reports.Sum(r => r.Pauses)} pauses, " +
            $"{reports.Sum(r => r.Partitions)} partitions, {reports.Sum(r => r.Steps) / seeds.Count} steps a seed; operators: {string.Join(", ", reports.GroupBy(r => r.Operator).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}; " +
            $"{failures.Count} failed";
        output.WriteLine(summary);
        SimulationSeeds.Summarize($"global simulation, seeds {seeds[0]}..{seeds[^1]}: {summary}");
        if (!failures.IsEmpty)
        {
            var first = failures.OrderBy(f => f.Seed).First();
            Assert.Fail($"{failures.Count} seed(s) failed: {string.Join(", ", failures.Select(f => f.Seed).Order().Take(20))}\n{first.Failure}");
        }

        Assert.True(reports.Sum(r => r.Acknowledged) > seeds.Count, "the runs acknowledged almost no writes: the simulation tests nothing");
    }

    [Fact]
    public void One_seed_replays_exactly()
    {
        var first = GlobalSimulation.Run(11);
        var second = GlobalSimulation.Run(11);

        Assert.Equal(first.Report, second.Report);
        Assert.Equal(first.Trace, second.Trace);
        Assert.Null(first.Failure);
        Assert.True(first.Report.Acknowledged > 0);
    }
}
