using System.Diagnostics;
using Platform.LoadTests.Load;

namespace Platform.LoadTests.Report;

/// <summary>The cold-start herd's figures (loadtests/run.sh herd).</summary>
public sealed record HerdReport(MachineInfo Machine, RunParameters Parameters, string Command, IReadOnlyList<HerdRow> Rows, IReadOnlyList<string> Failures)
{
    public bool Failed => Failures.Count > 0 || Rows.Any(r => r.FailedClients > 0);
}

/// <summary>
/// One herd against one target. Times are from the release of every client to the moment a client
/// had its last key; <see cref="RegionReads"/> is what reached the nodes (the edge's upstream fetches
/// by its own metrics, or every request when the fleet reads the nodes directly).
/// </summary>
public sealed record HerdRow(
    int Round, string Target, int Clients, int KeysPerClient, int Configured, int FailedClients, long Requests, long Retries, long RegionReads,
    double P50Ms, double P99Ms, double P999Ms, double AllConfiguredMs, IReadOnlyDictionary<string, long> Statuses)
{
    public static HerdRow From(int round, string target, int clients, int keysPerClient, HerdOutcome outcome, long regionReads)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var ticks = outcome.ConfiguredTicks;
        double Ms(double percentile) => ticks.Count == 0 ? double.NaN : LatencySummary.Percentile(ticks, percentile) * 1000.0 / Stopwatch.Frequency;
        return new HerdRow(round, target, clients, keysPerClient, ticks.Count, outcome.FailedClients, outcome.Requests, outcome.Retries, regionReads,
            Ms(50), Ms(99), Ms(99.9), Ms(100), outcome.Statuses);
    }
}
