using HdrHistogram;

namespace Platform.LoadTests.Load;

/// <summary>The percentiles a report shows of one histogram of microseconds, in milliseconds; NaN when it holds no value.</summary>
public sealed record HistogramSummary(long Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs, double MeanMs)
{
    public static HistogramSummary Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public static HistogramSummary Of(HistogramBase histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        if (histogram.TotalCount == 0)
        {
            return Empty;
        }

        return new HistogramSummary(
            histogram.TotalCount,
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()),
            histogram.GetMean() / 1000.0);
    }

    /// <summary>
    /// The latency at each percentile of a curve for 1/(1-p) from 1 to 10^<paramref name="decades"/>
    /// (p from 0 to 1 - 10^-decades), <paramref name="pointsPerDecade"/> points per decade: what a chart of
    /// the distribution draws. Empty when the histogram is.
    /// </summary>
    public static IReadOnlyList<PercentilePoint> Curve(HistogramBase histogram, int decades = 4, int pointsPerDecade = 10)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        if (histogram.TotalCount == 0)
        {
            return [];
        }

        var points = new List<PercentilePoint>(decades * pointsPerDecade + 1);
        for (var i = 0; i <= decades * pointsPerDecade; i++)
        {
            var percentile = 100 * (1 - Math.Pow(10, -(double)i / pointsPerDecade));
            points.Add(new PercentilePoint(percentile, Ms(histogram.GetValueAtPercentile(percentile))));
        }

        return points;
    }

    private static double Ms(long microseconds) => microseconds / 1000.0;
}

/// <summary>One point of a percentile curve: the latency (ms) that <see cref="Percentile"/> percent of the samples do not exceed.</summary>
public sealed record PercentilePoint(double Percentile, double LatencyMs);
