namespace Platform.Testing.Simulation;

/// <summary>
/// A replica's monotonic clock as the simulator hands it to <c>RaftNode.Tick</c> or a <see cref="SimTime"/>: it runs
/// at a rate within [1 - rho, 1 + rho] of true time, and the rate jumps between values in that
/// range at random moments. It keeps running while its replica is paused, as CLOCK_BOOTTIME does.
/// </summary>
public sealed class DriftingClock(SimRandom random, double rateErrorBound, TimeSpan start)
{
    private TimeSpan lastTrue = start;
    private TimeSpan lastLocal = TimeSpan.FromHours(1) + TimeSpan.FromTicks(random.NextInt64(TimeSpan.FromHours(1).Ticks));
    private double rate = 1.0;

    /// <summary>The fraction of a local tick not yet counted: reads a tick apart must still move a slow clock.</summary>
    private double carry;
    private TimeSpan nextRateChange = start;

    public double Rate => rate;

    /// <summary>The local reading at true time <paramref name="trueNow"/> (which never goes back).</summary>
    public TimeSpan Read(TimeSpan trueNow)
    {
        while (trueNow >= nextRateChange)
        {
            Advance(nextRateChange);
            rate = 1.0 + (((random.NextDouble() * 2) - 1) * rateErrorBound);
            if (random.Chance(0.2))
            {
                // A jump to the edge of the bound: the worst case the lease arithmetic must survive.
                rate = random.Chance(0.5) ? 1 - rateErrorBound : 1 + rateErrorBound;
            }

            nextRateChange += random.Between(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(2000));
        }

        Advance(trueNow);
        return lastLocal;
    }

    private void Advance(TimeSpan trueNow)
    {
        if (trueNow <= lastTrue)
        {
            return;
        }

        var exact = ((trueNow - lastTrue).Ticks * rate) + carry;
        var whole = (long)exact;
        carry = exact - whole;
        lastLocal += TimeSpan.FromTicks(whole);
        lastTrue = trueNow;
    }
}
