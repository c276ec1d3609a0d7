namespace Platform.Regional.Replication;

/// <summary>
/// Waits for a task with a deadline on a given clock, completing through ordinary awaits only.
/// <see cref="Task.WaitAsync(TimeSpan, TimeProvider, CancellationToken)"/> completes its promise from
/// the thread pool when the awaited task runs its continuations asynchronously (as every completion
/// source of the replica does): under a deterministic simulation, whose one thread runs every
/// piece of work in order, that would slip work onto another thread at a moment no seed decides.
/// Awaits post their continuations to the caller's context instead, which on a node is the thread
/// pool anyway.
/// </summary>
public static class TimedWait
{
    /// <summary>
    /// Task.Delay counts whole milliseconds: a shorter wait completes at once, so a caller waiting in
    /// a loop until its deadline spun through its last millisecond without time passing (and, in a
    /// simulation, where time passes only between pieces of work, for ever).
    /// </summary>
    private static readonly TimeSpan ShortestWait = TimeSpan.FromMilliseconds(1);

    /// <summary>The task's result, or <see cref="TimeoutException"/> once <paramref name="timeout"/> passed on <paramref name="time"/>.</summary>
    public static async Task<T> WaitAsync<T>(Task<T> task, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        await WaitAsync((Task)task, timeout, time, cancellationToken);
        return await task;
    }

    /// <summary>Completes with the task, or throws <see cref="TimeoutException"/> once <paramref name="timeout"/> passed on <paramref name="time"/>.</summary>
    public static async Task WaitAsync(Task task, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default)
    {
        if (!await FinishesWithinAsync(task, timeout, time, cancellationToken))
        {
            throw new TimeoutException($"the wait ran out after {timeout}");
        }

        await task;
    }

    /// <summary>Whether the task completed (in any way) within <paramref name="span"/> on <paramref name="time"/>; never throws for the task.</summary>
    public static Task<bool> CompletesWithinAsync(Task task, TimeSpan span, TimeProvider time, CancellationToken cancellationToken = default) =>
        FinishesWithinAsync(task, span, time, cancellationToken);

    /// <summary>
    /// The race itself, without exceptions for the common outcomes (the task first, or the deadline
    /// first): waits are on every request's path and every replica's loop, and a thrown and caught
    /// exception per wait cost more than the wait. Throws only when the caller's token is cancelled.
    /// </summary>
    private static async Task<bool> FinishesWithinAsync(Task task, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(time);
        if (task.IsCompleted)
        {
            return true;
        }

        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var first = new TaskCompletionSource<bool>();
        _ = WatchAsync(task, first);
        _ = ExpireAsync(timeout > ShortestWait ? timeout : ShortestWait, time, first, expiry.Token);
        var finished = await first.Task;
        // Cancel, not CancelAsync: the latter runs the delay's cancellation on the thread pool.
#pragma warning disable CA1849
        expiry.Cancel();
#pragma warning restore CA1849
        if (finished || task.IsCompleted)
        {
            return true;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return false;
    }

    // Both awaits keep the caller's context (a bare SuppressThrowing would drop it) and observe the
    // outcome without throwing it.
    private const ConfigureAwaitOptions Quietly = ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext;

    private static async Task WatchAsync(Task task, TaskCompletionSource<bool> first)
    {
        // The caller sees the task's own failure when it awaits it.
        await task.ConfigureAwait(Quietly);
        first.TrySetResult(true);
    }

    private static async Task ExpireAsync(TimeSpan timeout, TimeProvider time, TaskCompletionSource<bool> first, CancellationToken cancellationToken)
    {
        // Cancelled when the task finished first or the caller gave up: either way the caller decides.
        await Task.Delay(timeout, time, cancellationToken).ConfigureAwait(Quietly);
        first.TrySetResult(false);
    }
}
