using System.Diagnostics;

namespace Platform.Benchmarks.Storage;

/// <summary>Collects latencies (in Stopwatch ticks) and reports percentiles in microseconds.</summary>
public sealed class LatencyRecorder
{
    private readonly List<long> ticks = [];
    private readonly Lock gate = new();

    public int Count => ticks.Count;

    public void Add(long elapsedTicks)
    {
        lock (gate)
        {
            ticks.Add(elapsedTicks);
        }
    }

    public double PercentileMicroseconds(double percentile)
    {
        lock (gate)
        {
            if (ticks.Count == 0)
            {
                return double.NaN;
            }

            ticks.Sort();
            var index = (int)Math.Clamp(Math.Ceiling(percentile / 100 * ticks.Count) - 1, 0, ticks.Count - 1);
            return ticks[index] * 1_000_000.0 / Stopwatch.Frequency;
        }
    }
}
