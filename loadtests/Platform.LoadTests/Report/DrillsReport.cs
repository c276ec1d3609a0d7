using Platform.Client.Models;

namespace Platform.LoadTests.Report;

/// <summary>
/// What loadtests/run.sh drills measured: every drill the rounds ran, with the platform's own report
/// of it, and the figures over them. <see cref="Failure"/> says why the rounds stopped early (or never
/// started); the runs measured until then are kept.
/// </summary>
/// <param name="LeaseMs">The home lease L of docs/replication.md for this cluster's WAN: the floor of a region loss's RTO.</param>
/// <param name="SwitchoverPauseGoalMs">The goal for a switchover's write pause; reported against, never asserted.</param>
/// <param name="RegionLossRtoGoalMs">The goal for a region loss's RTO (L + 2 s); reported against, never asserted.</param>
public sealed record DrillsReport(
    MachineInfo Machine,
    RunParameters Parameters,
    string Command,
    string Namespace,
    string Home,
    double LeaseMs,
    double SwitchoverPauseGoalMs,
    double RegionLossRtoGoalMs,
    IReadOnlyList<FigureSummary> Switchovers,
    IReadOnlyList<FigureSummary> RegionLosses,
    IReadOnlyList<DrillRun> Runs,
    IReadOnlyList<string> Notes,
    string? Failure)
{
    /// <summary>
    /// A run stopped early, or any drill that did not end <c>done</c> with the verdict <c>pass</c> (the
    /// platform's own check: nothing acknowledged lost in a switchover, the realized RPO within the
    /// namespace's, every lost write archived), makes the run a failure. The goals do not.
    /// </summary>
    public bool Failed => Failure is not null || Runs.Count == 0 || Runs.Any(r => !r.Passed);
}

/// <summary>
/// One drill of a round, as the harness asked for it and as the platform reported it. The figures are
/// the drilled namespace's (null when the report has none); <see cref="Report"/> is the whole report of
/// <c>GET /v1/drills/{id}</c>, null when the drill was refused or never answered.
/// </summary>
/// <param name="Step">Which drill of the round: switchover, failback, region loss or return.</param>
/// <param name="State">The report's state (running, done, failed), or <c>refused</c> when <c>POST /v1/drills</c> was not accepted.</param>
/// <param name="PromoteMs">A region loss's "promote" phase: revoke, the wait for the old home's lease to run out, the stops, the swap.</param>
public sealed record DrillRun(
    int Round,
    string Step,
    string Kind,
    string? Id,
    string From,
    string? To,
    long? OldEpoch,
    long? NewEpoch,
    double? PausedMs,
    double? RtoMs,
    int? LostWrites,
    double? RpoRealizedMs,
    double? PromoteMs,
    int? ProbeWrites,
    int? ProbeErrors,
    string State,
    string? Verdict,
    string? Problem,
    DrillReport? Report)
{
    public bool Passed => State == "done" && Verdict == "pass";
}
