namespace Platform.Testing.Simulation;

/// <summary>
/// A simulated process's clocks, as a <see cref="TimeProvider"/>: monotonic timestamps from its
/// drifting clock (within the stated rate error of true time, counting through pauses), a wall
/// clock that may be set off by any amount (<see cref="WallOffset"/>, for a badly set clock), and
/// timers that fire on the process's own clock as work of that process on the loop. Code under test
/// that takes a TimeProvider (Task.Delay, WaitAsync, CancellationTokenSource, PeriodicTimer) runs in
/// simulated time through it.
/// </summary>
public sealed class SimTime(SimProcess process, DriftingClock clock) : TimeProvider
{
    private static readonly DateTimeOffset WallStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How far this process's wall clock is off true time.</summary>
    public TimeSpan WallOffset { get; set; }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>The process's monotonic clock (its drifting reading of true time).</summary>
    public TimeSpan Local => clock.Read(process.Loop.Now);

    public override long GetTimestamp() => Local.Ticks;

    public override DateTimeOffset GetUtcNow() => WallStart + process.Loop.Now + WallOffset;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SimTimer(this, process, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// A timer due on the process's own clock: it checks at the true time the remaining local time
    /// would take at rate 1, and again for what is left, so drift makes it fire late or early by
    /// exactly what the clock's rate says.
    /// </summary>
    private sealed class SimTimer(SimTime time, SimProcess process, TimerCallback callback, object? state) : ITimer
    {
        private long version;
        private TimeSpan dueLocal;
        private TimeSpan period = Timeout.InfiniteTimeSpan;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            version++;
            this.period = period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            dueLocal = time.Local + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
            Arm(version);
            return true;
        }

        // What a queued check carries: the timer and the setting it was queued for (one object, no closure).
        private sealed record Armed(SimTimer Timer, long Version);

        private static readonly Action<object?> Check = state => ((Armed)state!).Timer.Fire((Armed)state!);

        private void Arm(long armed)
        {
            var left = dueLocal - time.Local;
            process.Post(left > TimeSpan.Zero ? left : TimeSpan.Zero, Check, new Armed(this, armed));
        }

        private void Fire(Armed check)
        {
            var armed = check.Version;
            if (armed != version)
            {
                return;
            }

            if (time.Local < dueLocal)
            {
                // At least a tick of true time later: a check at the same instant would find the
                // clock where it was, and again, for ever.
                var shortBy = dueLocal - time.Local;
                process.Post(shortBy > TimeSpan.FromTicks(1) ? shortBy : TimeSpan.FromTicks(1), Check, check);
                return;
            }

            if (period != Timeout.InfiniteTimeSpan && period > TimeSpan.Zero)
            {
                dueLocal += period;
                Arm(armed);
            }

            callback(state);
        }

        public void Dispose() => version++;

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
