using Platform.LoadTests.Load;

namespace Platform.LoadTests.Report;

/// <summary>
/// One measured phase: what was sent where, and what came back. <see cref="ErrorsByStatus"/> counts
/// the answers other than 2xx by status (key "0" = no answer); they are not in <see cref="Latency"/>.
/// </summary>
public sealed record PhaseResult(
    string Id,
    string Title,
    string Operation,
    int Concurrency,
    string Targets,
    double Seconds,
    long Succeeded,
    double PerSecond,
    LatencySummary Latency,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorsByStatus,
    long WarmupErrors,
    string? FirstFailure,
    string? Note)
{
    public static PhaseResult From(string id, string title, string operation, int concurrency, string targets, LoadRun run, LoadRun? warmup, string? note)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new PhaseResult(
            id,
            title,
            operation,
            concurrency,
            targets,
            run.Elapsed.TotalSeconds,
            run.Succeeded,
            run.PerSecond,
            run.Latency,
            run.Errors,
            run.ErrorsByStatus.ToDictionary(e => e.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), e => e.Value),
            warmup?.Errors ?? 0,
            run.FirstFailure ?? warmup?.FirstFailure,
            note);
    }
}
