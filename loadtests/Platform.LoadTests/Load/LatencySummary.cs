using System.Diagnostics;

namespace Platform.LoadTests.Load;

/// <summary>Percentiles of every recorded latency, in milliseconds, computed exactly from the sorted sample.</summary>
public sealed record LatencySummary(int Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs)
{
    /// <summary><paramref name="sortedTicks"/> are Stopwatch ticks in ascending order.</summary>
    public static LatencySummary FromSorted(IReadOnlyList<long> sortedTicks)
    {
        ArgumentNullException.ThrowIfNull(sortedTicks);
        if (sortedTicks.Count == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var mean = sortedTicks.Average(t => (double)t);
        return new LatencySummary(
            sortedTicks.Count,
            Milliseconds(Percentile(sortedTicks, 50)),
            Milliseconds(Percentile(sortedTicks, 90)),
            Milliseconds(Percentile(sortedTicks, 99)),
            Milliseconds(sortedTicks[^1]),
            Milliseconds(mean));
    }

    /// <summary>The nearest-rank percentile: the smallest sample that at least p% of the samples do not exceed.</summary>
    public static long Percentile(IReadOnlyList<long> sortedTicks, double percentile)
    {
        ArgumentNullException.ThrowIfNull(sortedTicks);
        var rank = (int)Math.Ceiling(percentile / 100 * sortedTicks.Count);
        return sortedTicks[Math.Clamp(rank - 1, 0, sortedTicks.Count - 1)];
    }

    private static double Milliseconds(double ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
