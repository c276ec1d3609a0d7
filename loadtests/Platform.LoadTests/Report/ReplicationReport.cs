using Platform.LoadTests.Load;

namespace Platform.LoadTests.Report;

/// <summary>Replication lag seen from one region: acknowledgement at the home to the event on a watch there.</summary>
public sealed record RegionLagFigures(string Cluster, string Region, LatencySummary Lag, double WritesPerSecond, int FailedWrites, int EventsNotSeen);

/// <summary>How fast a region's copy took a backlog of changes after it was healed.</summary>
public sealed record CatchUpFigures(string Pair, int Changes, double Seconds, double ChangesPerSecond);

/// <summary>What loadtests/run.sh replication measured.</summary>
public sealed record ReplicationReport(
    MachineInfo Machine,
    RunParameters Parameters,
    string Command,
    LatencySummary? SingleRegionWrites,
    LatencySummary? HomeWrites,
    IReadOnlyList<RegionLagFigures> Lags,
    IReadOnlyList<CatchUpFigures> CatchUp,
    IReadOnlyList<string> Notes,
    string? Failure)
{
    public bool Failed => Failure is not null || Lags.Any(l => l.FailedWrites > 0 || l.EventsNotSeen > 0);
}
