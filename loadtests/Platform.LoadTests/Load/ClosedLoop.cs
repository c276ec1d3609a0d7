using System.Diagnostics;

namespace Platform.LoadTests.Load;

/// <summary>One request of a loop: sends it and returns the HTTP status of the answer.</summary>
public delegate Task<int> LoadOperation(int loop, long iteration, CancellationToken cancellationToken);

/// <summary>
/// A closed-loop load generator: each loop sends its next request as soon as the previous one has
/// been answered, so the offered load is the concurrency, never a rate the server cannot keep up with.
/// Every latency is kept (per loop, without locks) and sorted once at the end.
/// </summary>
public static class ClosedLoop
{
    private static readonly TimeSpan NoAnswerPause = TimeSpan.FromMilliseconds(10);

    /// <summary>Runs <paramref name="loops"/> loops until <paramref name="length"/> has passed; a request in flight then still completes and counts.</summary>
    public static Task<LoadRun> ForDurationAsync(int loops, TimeSpan length, LoadOperation operation, CancellationToken cancellationToken) =>
        RunAsync(loops, Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency), long.MaxValue, operation, cancellationToken);

    /// <summary>Runs <paramref name="loops"/> loops of <paramref name="iterations"/> requests each.</summary>
    public static Task<LoadRun> ForIterationsAsync(int loops, long iterations, LoadOperation operation, CancellationToken cancellationToken) =>
        RunAsync(loops, long.MaxValue, iterations, operation, cancellationToken);

    private static async Task<LoadRun> RunAsync(int loops, long deadline, long iterations, LoadOperation operation, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var tallies = await Task.WhenAll(Enumerable.Range(0, loops).Select(loop =>
            Task.Run(() => LoopAsync(loop, deadline, iterations, operation, cancellationToken), cancellationToken)));
        var elapsed = Stopwatch.GetElapsedTime(started);

        var latencies = new List<long>(tallies.Sum(t => t.Latencies.Count));
        var errors = new Dictionary<int, long>();
        foreach (var tally in tallies)
        {
            latencies.AddRange(tally.Latencies);
            foreach (var (status, count) in tally.Errors)
            {
                errors[status] = errors.GetValueOrDefault(status) + count;
            }
        }

        latencies.Sort();
        return new LoadRun(elapsed, latencies.Count, LatencySummary.FromSorted(latencies), errors, tallies.Select(t => t.FirstFailure).FirstOrDefault(f => f is not null));
    }

    private static async Task<LoopTally> LoopAsync(int loop, long deadline, long iterations, LoadOperation operation, CancellationToken cancellationToken)
    {
        var tally = new LoopTally();
        for (long iteration = 0; iteration < iterations && Stopwatch.GetTimestamp() < deadline; iteration++)
        {
            int status;
            var sent = Stopwatch.GetTimestamp();
            try
            {
                status = await operation(loop, iteration, cancellationToken);
            }
            catch (Exception problem) when (problem is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // No answer (connection refused or reset, or the client's timeout): counted, not measured.
                status = 0;
                tally.FirstFailure ??= $"{problem.GetType().Name}: {problem.Message}";
            }

            var took = Stopwatch.GetTimestamp() - sent;
            if (status is >= 200 and < 300)
            {
                tally.Latencies.Add(took);
                continue;
            }

            tally.Errors[status] = tally.Errors.GetValueOrDefault(status) + 1;
            tally.FirstFailure ??= status == 0 ? null : $"HTTP {status}";
            if (status == 0)
            {
                // A dead node refuses at once: without a pause the loop would spin and starve the live nodes
                // sharing these cores, distorting the figures of the other loops.
                await Task.Delay(NoAnswerPause, cancellationToken);
            }
        }

        return tally;
    }

    private sealed class LoopTally
    {
        public List<long> Latencies { get; } = new(16_384);

        public Dictionary<int, long> Errors { get; } = [];

        public string? FirstFailure { get; set; }
    }
}
