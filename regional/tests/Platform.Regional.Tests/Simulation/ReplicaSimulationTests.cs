using Platform.Testing.Simulation;

namespace Platform.Regional.Tests.Simulation;

/// <summary>
/// The seeded simulation of the shipped replica (<see cref="ReplicaSimulation"/>). CI runs the
/// default range; <c>SIM_SEED=n</c> replays one seed and <c>SIM_SEEDS=a..b</c> runs a range.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class ReplicaSimulationTests(ITestOutputHelper output)
{
    private const int DefaultSeeds = 1000;

    [Fact]
    public void Every_seed_is_linearizable_converges_and_applies_each_write_once()
    {
        var seeds = SimulationSeeds.Resolve(1, DefaultSeeds);
        var (reports, failures, elapsed) = SeedRuns.Run(seeds, ReplicaSimulation.Run);
        output.WriteLine($"{seeds.Count} seeds in {elapsed.TotalSeconds:F1}s: {reports.Sum(r => r.Completed)} client operations completed, " +
            $"{reports.Sum(r => r.Acknowledged)} puts acknowledged ({reports.Sum(r => r.Replayed)} replayed), {reports.Sum(r => r.Crashes)} crashes, " +
            $"{reports.Sum(r => r.Pauses)} pauses, {reports.Sum(r => r.Partitions)} partitions; {failures.Count} failed");
        if (new SeedRunResults<ReplicaRunReport>(reports, failures, elapsed).FailureMessage is { } failed)
        {
            Assert.Fail(failed);
        }

        Assert.True(reports.Sum(r => r.Acknowledged) > seeds.Count, "the runs acknowledged almost no writes: the simulation tests nothing");
    }

    [Fact]
    public void One_seed_replays_exactly()
    {
        var first = ReplicaSimulation.Run(77);
        var second = ReplicaSimulation.Run(77);

        Assert.Equal(first.Report, second.Report);
        Assert.Equal(first.Trace, second.Trace);
        Assert.Null(first.Failure);
        Assert.True(first.Report.Acknowledged > 0);
    }
}
