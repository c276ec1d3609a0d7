namespace Platform.LoadTests.Load;

/// <summary>
/// What the writers' timeline says about a kill at <c>killTicks</c>; every time is in seconds relative
/// to the kill (negative: before it). A figure is null when the timeline does not hold it (no write
/// sent after the kill was ever acknowledged, say), never a stand-in value.
/// </summary>
/// <param name="ResumeAfter">To the first acknowledgement of a write sent after the kill.</param>
/// <param name="EveryWriterResumedAfter">To the moment the last writer had such an acknowledgement.</param>
/// <param name="LongestGap">The longest time between two consecutive acknowledgements (of any writer) over the whole recording.</param>
/// <param name="LongestGapFrom">Where that gap began.</param>
/// <param name="LastAcknowledgedBeforeKill">The last acknowledgement before the kill.</param>
/// <param name="InFlightAtKill">Writes sent before the kill and answered after it.</param>
/// <param name="InFlightAcknowledged">Of those, how many were acknowledged.</param>
/// <param name="FailuresByOutcome">Every failed write of the recording by how it failed (the kill's window: from the writers' start to their stop).</param>
/// <param name="FailuresBeforeKill">Failed writes answered before the kill: they are not the kill's doing.</param>
public sealed record FailoverFigures(
    double? ResumeAfter,
    double? EveryWriterResumedAfter,
    double? LongestGap,
    double? LongestGapFrom,
    double? LastAcknowledgedBeforeKill,
    long Acknowledged,
    long AcknowledgedSentAfterKill,
    long InFlightAtKill,
    long InFlightAcknowledged,
    IReadOnlyDictionary<string, long> FailuresByOutcome,
    long FailuresBeforeKill);
