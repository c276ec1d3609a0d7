using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Platform.Regional.Replicas;

/// <summary>
/// The replicas' clock: CLOCK_BOOTTIME on Linux, which keeps counting while the machine is
/// suspended (docs/architecture.md, Clocks). Stopwatch reads CLOCK_MONOTONIC, which stops
/// during suspend: a leader waking from a suspended VM would think its lease still held.
/// </summary>
public static partial class BootClock
{
    private const int ClockBoottime = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static readonly bool Available = OperatingSystem.IsLinux() && ClockGetTime(ClockBoottime, out _) == 0;

    /// <summary>The same clock as a <see cref="TimeProvider"/> (timestamps in ticks; timers are the system's).</summary>
    public static TimeProvider Provider { get; } = new BootTimeProvider();

    /// <summary>Time since an arbitrary fixed point (boot, on Linux).</summary>
    public static TimeSpan Now
    {
        get
        {
            if (Available && ClockGetTime(ClockBoottime, out var now) == 0)
            {
                return TimeSpan.FromTicks((now.Seconds * TimeSpan.TicksPerSecond) + (now.Nanoseconds / 100));
            }

            return Stopwatch.GetElapsedTime(0);
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    private sealed class BootTimeProvider : TimeProvider
    {
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Now.Ticks;
    }
}
