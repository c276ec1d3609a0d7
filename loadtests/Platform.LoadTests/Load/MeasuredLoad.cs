using System.Diagnostics;
using HdrHistogram;
using Platform.LoadTests.Cluster;

namespace Platform.LoadTests.Load;

/// <summary>
/// The versus scenario's load generator, in two modes, each a warm-up (not recorded) then a fixed
/// duration recorded into an HdrHistogram, with a progress line on stderr:
/// closed loop (N workers, each sending its next operation when the previous one has been answered) and
/// open loop (operations due at a fixed rate whatever the answers, latency from each one's intended start;
/// at most a bound of them outstanding, the rest dropped and counted as errors).
/// </summary>
public static class MeasuredLoad
{
    // A failure that comes back at once (a dead member refusing the connection) would make a worker spin
    // and starve the processes sharing these two cores.
    private static readonly TimeSpan FailurePause = TimeSpan.FromMilliseconds(10);

    /// <summary>Whether the progress lines are printed (the smoke test keeps its output short).</summary>
    public static bool ShowProgress { get; set; } = true;

    public static async Task<MeasuredRun> ClosedAsync(string label, int workers, TimeSpan warmup, TimeSpan duration, DriverOperation operation, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        ArgumentNullException.ThrowIfNull(operation);
        var iterations = new long[workers];
        var warm = new Tally(LatencyHistograms.CreateRecorder());
        await RunWorkersAsync(workers, Stopwatch.GetTimestamp() + Ticks(warmup), warm, iterations, operation, cancellationToken);

        var tally = new Tally(LatencyHistograms.CreateRecorder());
        var progress = new ProgressLine(label, tally.Recorder, tally.Counts, ShowProgress);
        var cpu = ProcessCpu.Seconds(Environment.ProcessId);
        var started = Stopwatch.GetTimestamp();
        await RunWorkersAsync(workers, started + Ticks(duration), tally, iterations, operation, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var harnessCpu = ProcessCpu.Seconds(Environment.ProcessId) - cpu;
        var histogram = await progress.StopAsync();
        return tally.ToRun("closed", workers, null, seconds, warm, histogram) with { HarnessCpuSeconds = harnessCpu };
    }

    public static async Task<MeasuredRun> OpenAsync(string label, double ratePerSecond, int maxOutstanding, TimeSpan warmup, TimeSpan duration, DriverOperation operation, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxOutstanding);
        ArgumentNullException.ThrowIfNull(operation);
        var schedule = new OpenLoopSchedule(ratePerSecond);
        var warm = new Tally(LatencyHistograms.CreateRecorder());
        long index = 0;
        index = await DispatchAsync(schedule, index, Ticks(warmup), maxOutstanding, warm, operation, cancellationToken);

        var tally = new Tally(LatencyHistograms.CreateRecorder());
        var progress = new ProgressLine(label, tally.Recorder, tally.Counts, ShowProgress);
        var cpu = ProcessCpu.Seconds(Environment.ProcessId);
        var started = Stopwatch.GetTimestamp();
        await DispatchAsync(schedule, index, Ticks(duration), maxOutstanding, tally, operation, cancellationToken);
        var harnessCpu = ProcessCpu.Seconds(Environment.ProcessId) - cpu;

        // The window is the schedule's (every request due in it was sent or dropped), not the last answer's.
        var seconds = Math.Max(duration.TotalSeconds, Stopwatch.GetElapsedTime(started).TotalSeconds);
        var histogram = await progress.StopAsync();
        return tally.ToRun("open", maxOutstanding, ratePerSecond, seconds, warm, histogram) with { HarnessCpuSeconds = harnessCpu };
    }

    private static async Task RunWorkersAsync(int workers, long deadline, Tally tally, long[] iterations, DriverOperation operation, CancellationToken cancellationToken)
    {
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var sent = Stopwatch.GetTimestamp();
                var outcome = await InvokeAsync(operation, worker, iterations[worker]++, cancellationToken);
                tally.Add(outcome, Stopwatch.GetTimestamp() - sent);
                if (outcome.Kind == OpKind.Failed)
                {
                    await PauseAfterFailureAsync(sent, cancellationToken);
                }
            }
        }, cancellationToken)));
    }

    /// <summary>
    /// Sends the schedule's requests from <paramref name="firstIndex"/> that fall due within <paramref name="durationTicks"/>
    /// of now, waits for every one sent, and returns the index of the next request.
    /// </summary>
    private static async Task<long> DispatchAsync(OpenLoopSchedule schedule, long firstIndex, long durationTicks, int maxOutstanding, Tally tally, DriverOperation operation, CancellationToken cancellationToken)
    {
        // One reading of the clock for both ends, so the window holds exactly the requests due in it.
        var now = Stopwatch.GetTimestamp();
        var start = now - schedule.IntendedOffset(firstIndex);
        var end = now + durationTicks;
        var outstanding = 0;
        var inFlight = new List<Task>();
        var index = firstIndex;
        while (true)
        {
            var due = schedule.DueBy(Stopwatch.GetTimestamp() - start);
            for (; index < due && start + schedule.IntendedOffset(index) < end; index++)
            {
                if (Volatile.Read(ref outstanding) >= maxOutstanding)
                {
                    tally.Drop();
                    continue;
                }

                Interlocked.Increment(ref outstanding);
                var intended = start + schedule.IntendedOffset(index);
                // Worker = index modulo the bound, so a driver spreads open-loop requests over its members as it does closed loops'.
                var sent = index;
                inFlight.Add(Task.Run(async () =>
                {
                    var outcome = await InvokeAsync(operation, (int)(sent % maxOutstanding), sent, cancellationToken);
                    tally.Add(outcome, Stopwatch.GetTimestamp() - intended);
                    Interlocked.Decrement(ref outstanding);
                }, cancellationToken));
            }

            if (start + schedule.IntendedOffset(index) >= end)
            {
                break;
            }

            // Sleep to the next due request; Task.Delay's resolution (about 1 ms here) only delays sends,
            // which the intended start then charges to the latency rather than hiding.
            var wait = TimeSpan.FromTicks((start + schedule.IntendedOffset(index) - Stopwatch.GetTimestamp()) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            inFlight.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(inFlight);
        return index;
    }

    private static async ValueTask<OpOutcome> InvokeAsync(DriverOperation operation, int worker, long iteration, CancellationToken cancellationToken)
    {
        try
        {
            return await operation(worker, iteration, cancellationToken);
        }
        catch (Exception problem) when (!cancellationToken.IsCancellationRequested && problem is not OutOfMemoryException)
        {
            // A driver reports refusals as outcomes; an exception is a failure the driver did not expect
            // (a reset connection, a gRPC status): counted, with the first one kept for the report.
            return OpOutcome.Failed($"{problem.GetType().Name}: {problem.Message}");
        }
    }

    private static async Task PauseAfterFailureAsync(long sent, CancellationToken cancellationToken)
    {
        var rest = FailurePause - Stopwatch.GetElapsedTime(sent);
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, cancellationToken);
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>The counts of one window, shared by its workers (Interlocked), and its latency recorder.</summary>
    private sealed class Tally(Recorder recorder)
    {
        private long ok;
        private long conflicts;
        private long errors;
        private long dropped;
        private string? firstFailure;

        public Recorder Recorder => recorder;

        public (long Ok, long Errors) Counts() => (Interlocked.Read(ref ok), Interlocked.Read(ref errors) + Interlocked.Read(ref dropped));

        public void Add(OpOutcome outcome, long elapsedTicks)
        {
            switch (outcome.Kind)
            {
                case OpKind.Ok:
                    Interlocked.Increment(ref ok);
                    recorder.RecordValue(LatencyHistograms.Microseconds(elapsedTicks));
                    break;
                case OpKind.Conflict:
                    Interlocked.Increment(ref conflicts);
                    recorder.RecordValue(LatencyHistograms.Microseconds(elapsedTicks));
                    break;
                default:
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstFailure, outcome.Failure ?? "failed", null);
                    break;
            }
        }

        public void Drop()
        {
            Interlocked.Increment(ref dropped);
            Interlocked.CompareExchange(ref firstFailure, "dropped: the bound of outstanding requests was full when it was due", null);
        }

        public MeasuredRun ToRun(string mode, int concurrency, double? rate, double seconds, Tally warmup, HistogramBase histogram) =>
            new(mode, concurrency, rate, seconds, ok, conflicts, errors, dropped, warmup.errors + warmup.dropped, firstFailure ?? warmup.firstFailure, HistogramSummary.Of(histogram))
            {
                Histogram = histogram,
            };
    }
}
