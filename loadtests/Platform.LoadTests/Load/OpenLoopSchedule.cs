using System.Diagnostics;

namespace Platform.LoadTests.Load;

/// <summary>
/// When each request of an open loop is due: request i at i / rate seconds after the start, whatever
/// happened to the requests before it. Latency is measured from this intended start, so a server that
/// stalls is charged for every request that should have gone out meanwhile (no coordinated omission).
/// </summary>
public sealed class OpenLoopSchedule
{
    public OpenLoopSchedule(double ratePerSecond, long frequency = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        RatePerSecond = ratePerSecond;
        Frequency = frequency > 0 ? frequency : Stopwatch.Frequency;
    }

    public double RatePerSecond { get; }

    /// <summary>Ticks per second of the clock the offsets are in (Stopwatch's by default).</summary>
    public long Frequency { get; }

    /// <summary>Ticks from the start to request <paramref name="index"/>'s intended start.</summary>
    public long IntendedOffset(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return (long)(index * (Frequency / RatePerSecond));
    }

    /// <summary>How many requests are due once <paramref name="elapsedTicks"/> have passed since the start (request 0 is due at once).</summary>
    public long DueBy(long elapsedTicks)
    {
        if (elapsedTicks < 0)
        {
            return 0;
        }

        // Computed from the offsets themselves, so DueBy and IntendedOffset never disagree by rounding.
        var due = (long)Math.Floor(elapsedTicks * RatePerSecond / Frequency) + 1;
        while (due > 0 && IntendedOffset(due - 1) > elapsedTicks)
        {
            due--;
        }

        while (IntendedOffset(due) <= elapsedTicks)
        {
            due++;
        }

        return due;
    }

    /// <summary>Requests whose intended start lies within <paramref name="durationTicks"/> of the start.</summary>
    public long CountWithin(long durationTicks) => DueBy(durationTicks - 1);
}
