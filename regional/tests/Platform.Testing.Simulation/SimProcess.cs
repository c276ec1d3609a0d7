namespace Platform.Testing.Simulation;

/// <summary>
/// One simulated process (a node): its work runs on the <see cref="SimLoop"/> under this process's
/// synchronization context, so the continuations of everything it awaits stay its own. It reads
/// time from its own drifting clock (<see cref="Time"/>). Paused, its work waits and runs, in order,
/// once resumed (its clock keeps counting, as CLOCK_BOOTTIME does); crashed, all its queued work
/// and timers are dropped, and it starts again only as a new incarnation.
/// </summary>
public sealed class SimProcess
{
    private readonly List<SimLoop.Work> held = [];

    public SimProcess(string name, SimLoop loop, SimRandom random, double clockRateErrorBound)
    {
        ArgumentNullException.ThrowIfNull(random);
        Name = name;
        Loop = loop;
        Context = new ProcessContext(this, 0);
        Time = new SimTime(this, new DriftingClock(random, clockRateErrorBound, loop.Now));
    }

    public string Name { get; }

    public SimLoop Loop { get; }

    /// <summary>Current while this process's work runs: awaits in it continue here (a new one for each incarnation).</summary>
    public SynchronizationContext Context { get; private set; }

    /// <summary>This process's clock and timers (pass it wherever the code under test takes a <see cref="TimeProvider"/>).</summary>
    public SimTime Time { get; }

    /// <summary>Bumped at every crash: work queued by an earlier incarnation never runs.</summary>
    public long Generation { get; private set; }

    public bool IsPaused { get; private set; }

    /// <summary>Queues work of this process.</summary>
    public void Post(TimeSpan delay, Action action) => Loop.After(delay, this, action);

    /// <summary>Queues a callback of this process with its state (no closure).</summary>
    public void Post(TimeSpan delay, Action<object?> callback, object? state) => Loop.At(Loop.Now + delay, this, callback, state);

    public void Pause() => IsPaused = true;

    /// <summary>Runs, in order, the work that came due while paused.</summary>
    public void Resume()
    {
        IsPaused = false;
        var due = held.ToList();
        held.Clear();
        foreach (var work in due)
        {
            // Held work was queued by this incarnation (a crash clears the list): it runs as it would have.
            Loop.Requeue(work with { Generation = Generation });
        }
    }

    /// <summary>Drops every queued piece of work and timer of this incarnation.</summary>
    public void Crash()
    {
        Generation++;
        Context = new ProcessContext(this, Generation);
        held.Clear();
        IsPaused = false;
    }

    internal void Hold(SimLoop.Work work) => held.Add(work);

    private sealed class ProcessContext(SimProcess process, long generation) : SynchronizationContext
    {
        /// <summary>
        /// Work of a crashed incarnation never runs, wherever it comes from: also a finalizer's
        /// (an undisposed PeriodicTimer of a dead incarnation completes its waiter when collected).
        /// </summary>
        public override void Post(SendOrPostCallback d, object? state)
        {
            if (generation == process.Generation)
            {
                process.Loop.At(process.Loop.Now, process, d, state, generation);
            }
        }

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("a simulated process never blocks on another's work");

        public override SynchronizationContext CreateCopy() => this;
    }
}
