namespace Platform.Regional.Replicas;

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
        if (!await CompletesWithinAsync(task, timeout, time, cancellationToken))
        {
            throw new TimeoutException($"the wait ran out after {timeout}");
        }

        return await task;
    }

    /// <summary>Completes with the task, or throws <see cref="TimeoutException"/> once <paramref name="timeout"/> passed on <paramref name="time"/>.</summary>
    public static async Task WaitAsync(Task task, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken = default)
    {
        if (!await CompletesWithinAsync(task, timeout, time, cancellationToken))
        {
            throw new TimeoutException($"the wait ran out after {timeout}");
        }

        await task;
    }

    /// <summary>
    /// Whether the task completed (in any way) within <paramref name="span"/> on <paramref name="time"/>:
    /// the race itself, without exceptions for the common outcomes (the task first, or the deadline
    /// first), since waits are on every request's path and every replica's loop. Throws only when
    /// the caller's token is cancelled. One race object, one timer and one continuation a wait: no
    /// linked token source, delay task or helper state machines (they were a fifth of what a
    /// simulated run allocated).
    /// </summary>
    public static async Task<bool> CompletesWithinAsync(Task task, TimeSpan span, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(time);
        if (task.IsCompleted)
        {
            return true;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var race = new Race();
        using (var timer = time.CreateTimer(Race.ExpireOnTimer, race, span > ShortestWait ? span : ShortestWait, Timeout.InfiniteTimeSpan))
        using (cancellationToken.UnsafeRegister(Race.Expire, race))
        {
            // The continuation comes back to the caller's context (a simulated process's, or the
            // thread pool on a node), never to whichever thread completed the task.
            task.ConfigureAwait(Quietly).GetAwaiter().UnsafeOnCompleted(race.Finish);
            if (await race.Task || task.IsCompleted)
            {
                return true;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return false;
    }

    // The caller's context, and the task's outcome observed without throwing it (the caller sees the
    // task's own failure when it awaits the task).
    private const ConfigureAwaitOptions Quietly = ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext;

    /// <summary>Which came first: true for the task, false for the deadline or the caller's cancellation.</summary>
    private sealed class Race : TaskCompletionSource<bool>
    {
        public static readonly Action<object?> Expire = state => ((Race)state!).TrySetResult(false);

        public static readonly TimerCallback ExpireOnTimer = state => ((Race)state!).TrySetResult(false);

        public Race()
        {
            Finish = () => TrySetResult(true);
        }

        public Action Finish { get; }
    }
}
