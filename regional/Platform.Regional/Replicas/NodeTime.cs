namespace Platform.Regional.Replicas;

/// <summary>
/// Reading a node's <see cref="TimeProvider"/> the way the replicas and the global layer need it.
/// A node's provider is <see cref="BootClock.Provider"/>; the deterministic simulations give each
/// simulated process its own drifting clock, so every deadline, lease and pause below runs in
/// simulated time there.
/// </summary>
public static class NodeTime
{
    /// <summary>The provider's monotonic time since its fixed point (boot, on a node): what leases and deadlines are measured on.</summary>
    public static TimeSpan Monotonic(this TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return time.GetElapsedTime(0);
    }

    /// <summary>
    /// A cancellation that fires when <paramref name="linked"/> does or once <paramref name="span"/>
    /// passed on <paramref name="time"/> (CancelAfter always uses the system's timers).
    /// </summary>
    public static Deadline Within(this TimeProvider time, TimeSpan span, CancellationToken linked = default) => new(time, span, linked);

    /// <summary>
    /// Starts <paramref name="work"/> after the caller returns, on the caller's context if it has
    /// one (a simulated process) or the thread pool (a node), as Task.Run would on a node.
    /// </summary>
    public static async Task Detached(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        await Task.Yield();
        await work();
    }

    /// <summary>A bounded wait's cancellation; dispose it when the wait is over.</summary>
    public sealed class Deadline : IDisposable
    {
        private readonly CancellationTokenSource timeout;
        private readonly CancellationTokenSource either;

        internal Deadline(TimeProvider time, TimeSpan span, CancellationToken linked)
        {
            timeout = new CancellationTokenSource(span, time);
            either = CancellationTokenSource.CreateLinkedTokenSource(linked, timeout.Token);
        }

        public CancellationToken Token => either.Token;

        /// <summary>Cancels now (on the caller's thread: CancelAsync would run the callbacks on the thread pool).</summary>
        public void Cancel()
        {
#pragma warning disable CA1849
            either.Cancel();
#pragma warning restore CA1849
        }

        public void Dispose()
        {
            either.Dispose();
            timeout.Dispose();
        }
    }
}
