using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Testing.Simulation;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>
/// The seeded simulation suite: each seed is a whole run with faults (safety), then healing
/// (liveness), then a linearizability check. CI runs 2,000 seeds of 3 voters and 2,000 of 5.
/// </summary>
[Trait("Category", "Simulation")]
public sealed class RaftSimulationTests(ITestOutputHelper output)
{
    private const int DefaultSeedsPerSize = 2000;

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void Every_seed_keeps_safety_and_liveness(int voters)
    {
        var seeds = SimulationSeeds.Resolve(1, DefaultSeedsPerSize);
        var failures = new ConcurrentBag<(int Seed, string Failure)>();
        var reports = new ConcurrentBag<SimulationReport>();
        var stopwatch = Stopwatch.StartNew();
        Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var (report, failure) = SimulationRunner.RunSeed(seed, voters);
            if (failure is not null)
            {
                failures.Add((seed, failure));
            }
            else
            {
                reports.Add(report!);
            }
        });

        output.WriteLine($"{seeds.Count} seeds of {voters} voters in {stopwatch.Elapsed.TotalSeconds:F1}s; " +
            $"{reports.Sum(r => r.CompletedOperations)} client operations completed, {reports.Sum(r => r.LeadersElected)} leaders elected, {failures.Count} failed");
        if (!failures.IsEmpty)
        {
            var first = failures.OrderBy(f => f.Seed).First();
            Assert.Fail($"{failures.Count} seed(s) failed: {string.Join(", ", failures.Select(f => f.Seed).Order().Take(20))}\n{first.Failure}");
        }
    }

    [Fact]
    public void One_seed_replays_exactly()
    {
        var first = new SimCluster(SimulationOptions.FromSeed(4242, 5));
        var second = new SimCluster(SimulationOptions.FromSeed(4242, 5));

        var firstReport = first.Run();
        var secondReport = second.Run();

        Assert.Equal(firstReport, secondReport);
        Assert.Equal(first.Trace.Format(), second.Trace.Format());
        Assert.True(firstReport.CompletedOperations > 0);
    }
}
