using Platform.Testing.Linearizability;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>Runs one seed end to end and turns any failure into a message with the seed, the cause and the trace.</summary>
public static class SimulationRunner
{
    public static (SimulationReport? Report, string? Failure) RunSeed(int seed, int voters)
    {
        var options = SimulationOptions.FromSeed(seed, voters);
        var cluster = new SimCluster(options);
        try
        {
            var report = cluster.Run();
            if (!report.Converged)
            {
                return (report, Describe(options, "liveness: no leader committed a barrier on every member within the bound", cluster));
            }

            var verdict = LinearizabilityChecker.Check(cluster.History.ForChecker());
            if (verdict.Verdict == LinearizabilityVerdict.Violation)
            {
                return (report, Describe(options, $"linearizability: {verdict.Explanation}", cluster));
            }

            return (report, null);
        }
#pragma warning disable CA1031 // Any exception from a run is a finding to report with its seed, never to swallow.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return (null, Describe(options, exception.ToString(), cluster));
        }
    }

    private static string Describe(SimulationOptions options, string cause, SimCluster cluster) =>
        $"""
        simulation failed: SIM_SEED={options.Seed} (voters={options.Voters}) at {cluster.Now.TotalMilliseconds:F3}ms
        options: {options}
        cause: {cause}
        {cluster.Trace.Format()}
        """;
}
