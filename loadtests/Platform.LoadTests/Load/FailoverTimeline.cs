using System.Diagnostics;

namespace Platform.LoadTests.Load;

/// <summary>Reads a failover's figures off the timeline of the writers' requests.</summary>
public static class FailoverTimeline
{
    /// <summary>Reads the figures off every loop's requests (as <see cref="RecordingLoops.StopAsync"/> returns them).</summary>
    public static FailoverFigures Analyze(IReadOnlyList<IReadOnlyList<TimedRequest>> loops, long killTicks)
    {
        ArgumentNullException.ThrowIfNull(loops);
        var all = loops.SelectMany(l => l).ToList();
        var acknowledged = all.Where(r => r.Acknowledged).Select(r => r.AnsweredTicks).Order().ToList();
        var resumedAt = loops
            .Select(l => l.Where(r => r.Acknowledged && r.SentTicks > killTicks).Select(r => (long?)r.AnsweredTicks).Min())
            .ToList();
        var firstResumed = resumedAt.Where(t => t is not null).Min();
        var everyResumed = resumedAt.Count > 0 && resumedAt.All(t => t is not null) ? resumedAt.Max() : null;

        // The gap that holds the kill only ends with an acknowledgement after it; without one the
        // longest gap is unknown (it lasts at least until the recording stopped).
        (long Length, long From)? longest = null;
        if (firstResumed is not null)
        {
            for (var i = 1; i < acknowledged.Count; i++)
            {
                var length = acknowledged[i] - acknowledged[i - 1];
                if (longest is null || length > longest.Value.Length)
                {
                    longest = (length, acknowledged[i - 1]);
                }
            }
        }

        var lastBefore = acknowledged.Where(t => t <= killTicks).Select(t => (long?)t).LastOrDefault();
        var inFlight = all.Where(r => r.SentTicks <= killTicks && r.AnsweredTicks > killTicks).ToList();
        var failures = all.Where(r => !r.Acknowledged).ToList();
        return new FailoverFigures(
            Relative(firstResumed, killTicks),
            Relative(everyResumed, killTicks),
            longest is { } gap ? Seconds(gap.Length) : null,
            longest is { } from ? Relative(from.From, killTicks) : null,
            Relative(lastBefore, killTicks),
            acknowledged.Count,
            all.Count(r => r.Acknowledged && r.SentTicks > killTicks),
            inFlight.Count,
            inFlight.Count(r => r.Acknowledged),
            failures.GroupBy(r => r.Failure!).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count()),
            failures.Count(r => r.AnsweredTicks <= killTicks));
    }

    private static double? Relative(long? ticks, long killTicks) => ticks is { } t ? Seconds(t - killTicks) : null;

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
}
