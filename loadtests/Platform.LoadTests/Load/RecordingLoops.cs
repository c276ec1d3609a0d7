using System.Diagnostics;

namespace Platform.LoadTests.Load;

/// <summary>One write of a recording loop: sends it and returns the answer.</summary>
public delegate Task<WriteAnswer> WriteOperation(int loop, long iteration, CancellationToken cancellationToken);

/// <summary>
/// Closed loops that keep the send and answer time of every request, not only latencies as
/// <see cref="ClosedLoop"/> does: a failover is measured on the timeline (when writes stopped being
/// acknowledged, when they resumed), which percentiles cannot show. The loops run until
/// <see cref="StopAsync"/>; a request in flight then still completes and is recorded.
/// </summary>
public sealed class RecordingLoops
{
    // A refusal that comes back at once (a dead peer, a fast 503) would make a loop spin and starve the
    // live nodes sharing these cores; pausing only what is left of this bound after a failure keeps the
    // loops from spinning while costing a resuming writer at most this much.
    public static readonly TimeSpan FailurePause = TimeSpan.FromMilliseconds(10);

    // One request: null when it was acknowledged, else how it failed.
    private readonly Func<int, long, CancellationToken, Task<string?>> attempt;
    private readonly List<TimedRequest>[] records;

    // Per loop, the send time of its latest acknowledged write, read by the controller while the loops run.
    private readonly long[] lastAcknowledgedSent;
    private readonly Task[] loops;
    private volatile bool stopping;

    private RecordingLoops(int count, Func<int, long, CancellationToken, Task<string?>> attempt, CancellationToken cancellationToken)
    {
        this.attempt = attempt;
        records = [.. Enumerable.Range(0, count).Select(_ => new List<TimedRequest>(16_384))];
        lastAcknowledgedSent = new long[count];
        Array.Fill(lastAcknowledgedSent, long.MinValue);
        loops = [.. Enumerable.Range(0, count).Select(loop => Task.Run(() => LoopAsync(loop, cancellationToken), cancellationToken))];
    }

    public int Count => loops.Length;

    public static RecordingLoops Start(int count, WriteOperation operation, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(operation);
        return new RecordingLoops(count, async (loop, iteration, ct) => (await operation(loop, iteration, ct)).Failure, cancellationToken);
    }

    /// <summary>
    /// The same over a driver's operation (the versus scenario's leader kill, against either system): any
    /// exception it throws (a gRPC status, a reset connection) is a failed write named by its type and message.
    /// </summary>
    public static RecordingLoops Start(int count, DriverOperation operation, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(operation);
        return new RecordingLoops(count, async (loop, iteration, ct) =>
        {
            try
            {
                var outcome = await operation(loop, iteration, ct);
                return outcome.Kind == OpKind.Ok ? null : outcome.Failure ?? outcome.Kind.ToString();
            }
            catch (Exception problem) when (!ct.IsCancellationRequested && problem is not OutOfMemoryException)
            {
                return problem is Grpc.Core.RpcException rpc ? $"gRPC {rpc.StatusCode}" : $"no answer ({problem.GetType().Name})";
            }
        }, cancellationToken);
    }

    /// <summary>Whether every loop has had a write acknowledged that it sent after <paramref name="ticks"/>.</summary>
    public bool EveryLoopAcknowledgedSentAfter(long ticks)
    {
        for (var loop = 0; loop < lastAcknowledgedSent.Length; loop++)
        {
            if (Volatile.Read(ref lastAcknowledgedSent[loop]) <= ticks)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Stops every loop after its request in flight and returns each loop's requests in the order sent.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<TimedRequest>>> StopAsync()
    {
        stopping = true;
        await Task.WhenAll(loops);
        return records;
    }

    private async Task LoopAsync(int loop, CancellationToken cancellationToken)
    {
        var recorded = records[loop];
        for (long iteration = 0; !stopping; iteration++)
        {
            string? failure;
            var sent = Stopwatch.GetTimestamp();
            try
            {
                failure = await attempt(loop, iteration, cancellationToken);
            }
            catch (Exception problem) when (problem is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // No answer: refused or reset connection, or the client's timeout.
                failure = $"no answer ({problem.GetType().Name})";
            }

            var answered = Stopwatch.GetTimestamp();
            recorded.Add(new TimedRequest(sent, answered, failure));
            if (failure is null)
            {
                Volatile.Write(ref lastAcknowledgedSent[loop], sent);
                continue;
            }

            var rest = FailurePause - Stopwatch.GetElapsedTime(sent, answered);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, cancellationToken);
            }
        }
    }
}
