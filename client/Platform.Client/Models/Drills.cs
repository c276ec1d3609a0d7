namespace Platform.Client.Models;

/// <summary>The body of <c>POST /v1/drills</c>: <c>kind</c> is <c>switchover</c> or <c>region-loss</c>.</summary>
public sealed record DrillRequest(string Kind, string Region, string? Target = null, IReadOnlyList<string>? Namespaces = null)
{
    public const string Switchover = "switchover";

    public const string RegionLoss = "region-loss";
}

/// <summary>The answer of <c>POST /v1/drills</c>.</summary>
public sealed record DrillStarted(string Id);

/// <summary>One phase of a drill.</summary>
public sealed record DrillPhaseInfo(string Name, DateTimeOffset StartedAt, double? DurationMs, string? Detail);

/// <summary>A drill's figures for one namespace (docs/api.md, <c>GET /v1/drills/{id}</c>).</summary>
public sealed record DrillNamespaceInfo(
    string Namespace, string OldHome, string? NewHome, long OldEpoch, long? NewEpoch, double? RtoMs, double? RpoRealizedMs, int? LostWrites,
    double? PausedMs, double RpoMs, int ProbeWrites, int ProbeErrors, long? ForkRevision, int? UnacknowledgedLost, string? Verdict, string? Problem);

/// <summary>A drill's report: <c>state</c> running | done | failed, <c>verdict</c> pass | fail (null until done).</summary>
public sealed record DrillReport(
    string Id, string Kind, string Region, string? Target, string State, string? Verdict, string? RunBy, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    IReadOnlyList<DrillPhaseInfo> Phases, IReadOnlyList<DrillNamespaceInfo> Namespaces, string? Problem)
{
    public bool Running => State == "running";
}
