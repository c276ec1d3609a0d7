namespace Platform.Regional.Replicas;

/// <summary>
/// How a leader reads its group's ageing clock (<see cref="StateMachine.GroupStateMachine.AgeingClockMs"/>)
/// to stamp its proposals: the clock as it was applied here once every entry of earlier terms was
/// (the first entry of the leader's own term, its no-op, has applied), plus the time elapsed since
/// on this node's boot clock. No wall clock is read, so one set far ahead ages nothing early.
/// </summary>
/// <remarks>
/// Starting only then is what keeps the clock from running ahead of real time. A leader that
/// stamped from an older reading (one taken long ago, before entries it has not applied yet) would
/// count again time that later entries already counted, and age their outcomes early. Until its
/// base is taken a leader stamps nothing (the clock stays put), and a base is taken after the
/// entries of earlier terms were proposed, so a change of leader can only lose time.
/// </remarks>
public sealed class AgeingStamps
{
    private long baseTerm = -1;
    private long baseClockMs;
    private TimeSpan baseTakenAt;

    /// <summary>
    /// Notes an entry applied here (of <paramref name="entryTerm"/>), after which the group's clock
    /// reads <paramref name="clockMs"/>; <paramref name="now"/> is the boot clock. A leader of
    /// <paramref name="leaderTerm"/> takes its base at the first entry of its own term.
    /// </summary>
    public void Applied(long entryTerm, bool leading, long leaderTerm, long clockMs, TimeSpan now)
    {
        if (leading && entryTerm == leaderTerm && baseTerm != leaderTerm)
        {
            baseTerm = leaderTerm;
            baseClockMs = clockMs;
            baseTakenAt = now;
        }
    }

    /// <summary>The stamp for a proposal made now by the leader of <paramref name="term"/>, or null before its base is taken.</summary>
    public long? Stamp(long term, TimeSpan now)
    {
        if (baseTerm != term)
        {
            return null;
        }

        if (now < baseTakenAt)
        {
            throw new InvalidOperationException($"the boot clock went back from {baseTakenAt} to {now}");
        }

        return baseClockMs + (long)(now - baseTakenAt).TotalMilliseconds;
    }
}
