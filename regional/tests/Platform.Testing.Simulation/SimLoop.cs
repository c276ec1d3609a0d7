namespace Platform.Testing.Simulation;

/// <summary>
/// The one thread a simulation runs on, in simulated time. Every piece of work of every simulated
/// process (an await's continuation, a timer, a delivered message) is queued here with the true
/// time it is due and runs in order of (time, arrival), so one seed replays a run exactly. Work
/// belongs to a <see cref="SimProcess"/>, whose synchronization context is current while it runs:
/// the continuations it creates come back here, to the same process, and a paused or crashed
/// process's work waits or is dropped. Work that escapes the loop (posted from another thread) is a
/// determinism bug in the code under test, and fails the run.
/// </summary>
public sealed class SimLoop
{
    /// <summary>How much work one run may do before it is declared stuck (a livelock of zero-delay work).</summary>
    public const long MaxStepsPerRun = 50_000_000;

    private readonly PriorityQueue<Work, (long At, long Sequence)> queue = new();
    private long sequence;
    private long steps;
    private Thread? owner;
    private readonly System.Diagnostics.Stopwatch running = new();

    /// <summary>
    /// How much real time a run may take before it is declared stuck (null: no bound): a seed
    /// whose work keeps simulated time nearly still would otherwise hang the suite.
    /// </summary>
    public TimeSpan? RealTimeBudget { get; init; }

    /// <summary>
    /// A piece of work: an action, or a callback and its state (an await's continuation, a timer's
    /// tick), which needs no closure; one object a step.
    /// </summary>
    internal sealed record Work(SimProcess? Process, Delegate Callback, object? State, long Generation)
    {
        public void Invoke()
        {
            switch (Callback)
            {
                case Action action:
                    action();
                    break;
                case SendOrPostCallback posted:
                    posted(State);
                    break;
                default:
                    ((Action<object?>)Callback)(State);
                    break;
            }
        }
    }

    /// <summary>How many pieces of work ran so far (the simulation's cost, independent of the machine).</summary>
    public long Steps => steps;

    /// <summary>True simulated time (no process reads it: each reads its own drifting clock).</summary>
    public TimeSpan Now { get; private set; }

    /// <summary>The first failure of the run: an exception thrown by work, or work escaping the loop.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Queues work of <paramref name="process"/> (null: the simulator's own) due at <paramref name="at"/> (not before now).</summary>
    public void At(TimeSpan at, SimProcess? process, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Enqueue(at, new Work(process, action, null, process?.Generation ?? 0));
    }

    /// <summary>Queues <paramref name="callback"/> with its state (no closure), as work of <paramref name="process"/> due at <paramref name="at"/>.</summary>
    public void At(TimeSpan at, SimProcess? process, Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Enqueue(at, new Work(process, callback, state, process?.Generation ?? 0));
    }

    /// <summary>Queues a continuation posted to a process's synchronization context.</summary>
    internal void At(TimeSpan at, SimProcess process, SendOrPostCallback callback, object? state, long generation) =>
        Enqueue(at, new Work(process, callback, state, generation));

    /// <summary>Queues again, now, work a paused process held (with the generation it was queued in).</summary>
    internal void Requeue(Work work) => Enqueue(Now, work);

    private void Enqueue(TimeSpan at, Work work)
    {
        if (owner is not null && Thread.CurrentThread != owner)
        {
            Failure ??= new InvalidOperationException("work was queued from outside the simulation's thread: something under test escaped the loop (Task.Run, ConfigureAwait(false) or a real timer), here:\n" + Environment.StackTrace);
            return;
        }

        queue.Enqueue(work, ((at < Now ? Now : at).Ticks, sequence++));
    }

    public void After(TimeSpan delay, SimProcess? process, Action action) => At(Now + delay, process, action);

    /// <summary>Runs every piece of work due up to <paramref name="until"/>, then leaves time there.</summary>
    public void RunUntil(TimeSpan until)
    {
        var previous = SynchronizationContext.Current;
        owner = Thread.CurrentThread;
        running.Start();
        try
        {
            while (Failure is null && queue.TryPeek(out _, out var due) && due.At <= until.Ticks)
            {
                var work = queue.Dequeue();
                Now = TimeSpan.FromTicks(due.At);
                if (++steps > MaxStepsPerRun)
                {
                    throw new InvalidOperationException($"the simulation did more than {MaxStepsPerRun} steps: some work keeps queueing more at no cost in time");
                }

                if ((steps & 0xFFF) == 0 && RealTimeBudget is { } budget && running.Elapsed > budget)
                {
                    throw new SimulationEscapeException(
                        $"the run took more than {budget.TotalSeconds:0} s of real time ({steps} steps) and reached only {Now.TotalMilliseconds:F0} ms of simulated time",
                        new TimeoutException("real-time budget"));
                }

                Run(work);
            }

            if (Failure is null && until > Now)
            {
                Now = until;
            }
        }
        finally
        {
            running.Stop();
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        if (Failure is not null)
        {
            throw new SimulationEscapeException("the simulation failed: " + Failure.Message, Failure);
        }
    }

    private void Run(Work work)
    {
        if (work.Process is { } process)
        {
            if (work.Generation != process.Generation)
            {
                // Queued before the process crashed: that process is gone.
                return;
            }

            if (process.IsPaused)
            {
                process.Hold(work);
                return;
            }
        }

        SynchronizationContext.SetSynchronizationContext(work.Process?.Context);
        try
        {
            work.Invoke();
        }
#pragma warning disable CA1031 // Any exception of the code under test ends the run with it.
        catch (Exception thrown)
#pragma warning restore CA1031
        {
            Failure ??= thrown;
        }
    }
}

/// <summary>The exception a run ends with when the code under test threw or escaped the loop.</summary>
public sealed class SimulationEscapeException(string message, Exception inner) : Exception(message, inner);
