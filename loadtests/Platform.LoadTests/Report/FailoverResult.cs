using System.Text.Json.Serialization;
using Platform.LoadTests.Load;

namespace Platform.LoadTests.Report;

/// <summary>
/// Scenario (f): the leader of the namespace's group is SIGKILLed under write load, once per fresh
/// cluster; each run's figures and, over the measured runs, their medians.
/// </summary>
/// <param name="GoalSeconds">The goal for "writes resume after"; reported against, never asserted.</param>
/// <param name="PreKillSeconds">How long the writers wrote before the kill.</param>
/// <param name="TotalSeconds">Wall-clock time of every run together, cluster starts and stops included.</param>
public sealed record FailoverResult(
    int Writers,
    double GoalSeconds,
    double PreKillSeconds,
    IReadOnlyList<FailoverRun> Runs,
    double? MedianResumeAfterSeconds,
    double? MedianEveryWriterResumedAfterSeconds,
    double? MedianLongestGapSeconds,
    double TotalSeconds)
{
    /// <summary>A run that could not be measured (the writers never resumed, say) makes the whole report a failure.</summary>
    [JsonIgnore]
    public bool Failed => Runs.Count == 0 || Runs.Any(r => r.Failure is not null);

    public static FailoverResult From(int writers, double goalSeconds, double preKillSeconds, IReadOnlyList<FailoverRun> runs, TimeSpan total)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return new FailoverResult(
            writers,
            goalSeconds,
            preKillSeconds,
            runs,
            Median(runs.Select(r => r.Figures?.ResumeAfter)),
            Median(runs.Select(r => r.Figures?.EveryWriterResumedAfter)),
            Median(runs.Select(r => r.Figures?.LongestGap)),
            total.TotalSeconds);
    }

    /// <summary>The median of the figures that were measured (the mean of the middle two for an even count); null when none was.</summary>
    private static double? Median(IEnumerable<double?> figures)
    {
        var measured = figures.OfType<double>().Order().ToList();
        if (measured.Count == 0)
        {
            return null;
        }

        var middle = measured.Count / 2;
        return measured.Count % 2 == 1 ? measured[middle] : (measured[middle - 1] + measured[middle]) / 2;
    }
}

/// <summary>
/// One kill on a fresh cluster: which node was killed, where the writers wrote, the figures read off
/// their timeline, and the leader the survivors agreed on afterwards. <see cref="Failure"/> says why
/// the run is not (fully) measured.
/// </summary>
public sealed record FailoverRun(
    int Run,
    long? Group,
    string? KilledNode,
    int? KilledPid,
    IReadOnlyList<string> WritersTo,
    double? RecordedAfterKillSeconds,
    FailoverFigures? Figures,
    string? NewLeader,
    long? NewTerm,
    string? Failure,
    IReadOnlyList<string> Notes);
