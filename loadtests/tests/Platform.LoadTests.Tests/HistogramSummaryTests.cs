using Platform.LoadTests.Load;

namespace Platform.LoadTests.Tests;

public sealed class HistogramSummaryTests
{
    [Fact]
    public void Percentiles_of_1_to_1000_ms_are_where_they_should_be_within_the_histograms_precision()
    {
        var histogram = LatencyHistograms.Create();
        for (var ms = 1; ms <= 1000; ms++)
        {
            histogram.RecordValue(ms * 1000L);
        }

        var summary = HistogramSummary.Of(histogram);

        Assert.Equal(1000, summary.Count);
        Assert.Equal(500, summary.P50Ms, 500 * 0.001);
        Assert.Equal(990, summary.P99Ms, 990 * 0.001);
        Assert.Equal(999, summary.P999Ms, 999 * 0.001);
        Assert.Equal(1000, summary.MaxMs, 1000 * 0.001);
        Assert.Equal(500.5, summary.MeanMs, 500.5 * 0.001);
    }

    [Fact]
    public void An_empty_histogram_has_no_percentiles_rather_than_zeros()
    {
        var summary = HistogramSummary.Of(LatencyHistograms.Create());

        Assert.Equal(0, summary.Count);
        Assert.True(double.IsNaN(summary.P99Ms));
        Assert.Empty(HistogramSummary.Curve(LatencyHistograms.Create()));
    }

    [Fact]
    public void The_curve_runs_from_p0_to_p99_99_and_never_falls()
    {
        var histogram = LatencyHistograms.Create();
        var random = new Random(7);
        for (var i = 0; i < 100_000; i++)
        {
            histogram.RecordValue(1 + random.Next(20_000));
        }

        var curve = HistogramSummary.Curve(histogram);

        Assert.Equal(0, curve[0].Percentile, 1e-9);
        Assert.Equal(99.99, curve[^1].Percentile, 1e-9);
        Assert.All(curve.Zip(curve.Skip(1)), pair => Assert.True(pair.Second.LatencyMs >= pair.First.LatencyMs));
    }

    [Fact]
    public void Stopwatch_ticks_become_microseconds_within_the_histograms_range()
    {
        Assert.Equal(1000, LatencyHistograms.Microseconds(System.Diagnostics.Stopwatch.Frequency / 1000));
        Assert.Equal(LatencyHistograms.LowestMicroseconds, LatencyHistograms.Microseconds(0));
    }
}
