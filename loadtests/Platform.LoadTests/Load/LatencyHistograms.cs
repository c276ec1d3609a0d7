using System.Diagnostics;
using HdrHistogram;

namespace Platform.LoadTests.Load;

/// <summary>
/// The HdrHistogram shape of every latency of the versus scenario: microseconds from 1 us to one hour
/// with 3 significant digits (a value is off by at most 0.1%), whatever the system or the phase, so
/// histograms of different runs and systems can be added together.
/// </summary>
public static class LatencyHistograms
{
    public const long LowestMicroseconds = 1;
    public const long HighestMicroseconds = 3_600_000_000;
    public const int SignificantDigits = 3;

    /// <summary>A histogram for one reader (not safe to record into from several threads).</summary>
    public static HistogramBase Create() => new LongHistogram(LowestMicroseconds, HighestMicroseconds, SignificantDigits);

    /// <summary>A recorder many loops record into at once while a reader takes interval histograms from it.</summary>
    public static Recorder CreateRecorder() =>
        HistogramFactory.With64BitBucketSize()
            .WithValuesFrom(LowestMicroseconds)
            .WithValuesUpTo(HighestMicroseconds)
            .WithPrecisionOf(SignificantDigits)
            .WithThreadSafeWrites()
            .WithThreadSafeReads()
            .Create();

    /// <summary>Stopwatch ticks as whole microseconds, clamped into the histogram's range.</summary>
    public static long Microseconds(long stopwatchTicks) =>
        Math.Clamp((long)(stopwatchTicks * (1_000_000.0 / Stopwatch.Frequency)), LowestMicroseconds, HighestMicroseconds);
}
