using Platform.Testing.Simulation;

namespace Platform.Global.Tests.Simulation.Shipped;

/// <summary>
/// The seeded simulation of the shipped global layer (<see cref="GlobalSimulation"/>). CI runs the
/// default range; <c>SIM_SEED=n</c> replays one seed and <c>SIM_SEEDS=a..b</c> runs a range.
/// </summary>
[Trait("Category", "Simulation")]
// One simulation at a time: each spreads its seeds over every core.
[Collection("Simulations")]
public sealed class GlobalSimulationTests(ITestOutputHelper output)
{
    private const int DefaultSeeds = 2000;

    [Fact]
    public void Every_seed_keeps_one_home_loses_nothing_unarchived_and_stays_linearizable()
    {
        var seeds = SimulationSeeds.Resolve(1, DefaultSeeds);
        var (reports, failures, elapsed) = SeedRuns.Run(seeds, GlobalSimulation.Run);
        var summary = $"{seeds.Count} seeds in {elapsed.TotalSeconds:F1}s ({reports.Count(r => r.NodesPerRegion > 1)} with three-node regions): {reports.Sum(r => r.Completed)} client operations completed, " +
            $"{reports.Sum(r => r.Acknowledged)} puts acknowledged ({reports.Sum(r => r.Replayed)} replayed, {reports.Sum(r => r.Archived)} archived), " +
            $"{reports.Sum(r => r.Homes)} homes that acknowledged writes, {reports.Sum(r => r.Watched)} changes watched ({reports.Sum(r => r.WatchesEnded)} watches ended Diverged or Compacted); {reports.Sum(r => r.Crashes)} crashes, {reports.Sum(r => r.Pauses)} pauses, " +
            $"{reports.Sum(r => r.Partitions)} partitions, {reports.Sum(r => r.Steps) / seeds.Count} steps a seed; operators: {string.Join(", ", reports.GroupBy(r => r.Operator).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}; " +
            $"{failures.Count} failed";
        output.WriteLine(summary);
        SimulationSeeds.Summarize($"global simulation, seeds {seeds[0]}..{seeds[^1]}: {summary}");
        if (new SeedRunResults<GlobalRunReport>(reports, failures, elapsed).FailureMessage is { } failed)
        {
            Assert.Fail(failed);
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
