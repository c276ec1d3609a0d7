using System.Diagnostics;
using System.Globalization;
using HdrHistogram;

namespace Platform.LoadTests.Load;

/// <summary>
/// About once a second, one line on stderr while a phase runs: operations per second so far, errors, and
/// p99 so far. It drains the phase's recorder into the cumulative histogram, which is thereby also the
/// phase's final histogram once <see cref="StopAsync"/> has drained it a last time.
/// </summary>
public sealed class ProgressLine
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly string label;
    private readonly Recorder recorder;
    private readonly Func<(long Ok, long Errors)> counts;
    private readonly HistogramBase total = LatencyHistograms.Create();
    private readonly TaskCompletionSource stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long started = Stopwatch.GetTimestamp();
    private readonly Task printing;
    private HistogramBase? interval;

    public ProgressLine(string label, Recorder recorder, Func<(long Ok, long Errors)> counts, bool print)
    {
        this.label = label;
        this.recorder = recorder;
        this.counts = counts;
        printing = PrintAsync(print);
    }

    /// <summary>Stops the line and returns every latency recorded since it started.</summary>
    public async Task<HistogramBase> StopAsync()
    {
        stop.TrySetResult();
        await printing;
        Drain();
        return total;
    }

    private async Task PrintAsync(bool print)
    {
        while (true)
        {
            if (await Task.WhenAny(Task.Delay(Interval), stop.Task) == stop.Task)
            {
                return;
            }

            Drain();
            if (print)
            {
                var (ok, errors) = counts();
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var p99 = total.TotalCount > 0 ? (total.GetValueAtPercentile(99) / 1000.0).ToString("F2", CultureInfo.InvariantCulture) + " ms" : "n/a";
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    [{label}] {seconds,5:F1} s: {ok / seconds,9:N0} ops/s, errors {errors:N0}, p99 so far {p99}"));
            }
        }
    }

    private void Drain()
    {
        lock (total)
        {
            interval = recorder.GetIntervalHistogram(interval);
            total.Add(interval);
        }
    }
}
