using Platform.Regional.Namespaces;

namespace Platform.Global.Leases;

/// <summary>What the RPO policy makes of a write: go ahead, go ahead after a pause, or be refused.</summary>
public readonly record struct RpoDecision(TimeSpan Delay, TimeSpan? RetryAfter)
{
    public static readonly RpoDecision Proceed = new(TimeSpan.Zero, null);

    public bool Rejected => RetryAfter is not null;
}

/// <summary>
/// The RPO policy of docs/architecture.md (RPO): it acts on the lag of the most up-to-date other region (the
/// one a promotion would pick); <c>alert</c> only reports, <c>throttle</c> delays each write by how
/// far the lag is past the RPO (at most <see cref="MaxThrottle"/>), so writers slow down until the
/// copy catches up, and <c>reject</c> refuses writes while the lag is past the RPO.
/// </summary>
public static class RpoGate
{
    public static readonly TimeSpan MaxThrottle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinThrottle = TimeSpan.FromMilliseconds(10);

    public static RpoDecision Decide(NamespaceSettings settings, TimeSpan? bestLag)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (bestLag is not { } lag || lag <= settings.Rpo)
        {
            return RpoDecision.Proceed;
        }

        var excess = lag - settings.Rpo;
        return settings.RpoPolicy switch
        {
            RpoPolicy.Throttle => new RpoDecision(excess < MinThrottle ? MinThrottle : excess > MaxThrottle ? MaxThrottle : excess, null),
            RpoPolicy.Reject => new RpoDecision(TimeSpan.Zero, excess < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : excess),
            _ => RpoDecision.Proceed,
        };
    }
}
