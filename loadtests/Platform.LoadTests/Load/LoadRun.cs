namespace Platform.LoadTests.Load;

/// <summary>
/// What a set of closed loops did: the latency of every successful (2xx) request, and every other
/// outcome counted by status (0 = no answer: refused connection, reset or timeout).
/// </summary>
public sealed record LoadRun(
    TimeSpan Elapsed,
    long Succeeded,
    LatencySummary Latency,
    IReadOnlyDictionary<int, long> ErrorsByStatus,
    string? FirstFailure)
{
    public long Errors => ErrorsByStatus.Values.Sum();

    /// <summary>Successful requests per second of wall-clock time, from the first request to the last answer.</summary>
    public double PerSecond => Elapsed > TimeSpan.Zero ? Succeeded / Elapsed.TotalSeconds : double.NaN;
}
