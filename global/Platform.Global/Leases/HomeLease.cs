
namespace Platform.Global.Leases;

/// <summary>
/// A region's home lease as one node holds it (docs/architecture.md, "Home lease"): a renewal sent at
/// local monotonic time <c>t_s</c> whose answer lists the (namespace, epoch) pairs it covers is valid
/// until <c>t_s + L * (1 - rho)</c> on this node's clock. Whoever moves a namespace away waits
/// <c>L * (1 + rho)</c> on its own clock after the revoke committed, so even with both clocks off by
/// the rate error rho, the last renewal that still covered the namespace has run out by then.
/// </summary>
public sealed class HomeLease(TimeSpan duration, double rho)
{
    private readonly object gate = new();
    private TimeSpan sentAt = TimeSpan.MinValue;
    private HashSet<(string Namespace, long Epoch)> covered = [];

    public TimeSpan Duration => duration;

    public double Rho => rho;

    /// <summary>How long a renewal holds on this node's clock: <c>L * (1 - rho)</c>.</summary>
    public TimeSpan Validity => duration * (1 - rho);

    /// <summary>How long a mover waits after the revoke committed: <c>L * (1 + rho)</c>.</summary>
    public TimeSpan RevokeWait => duration * (1 + rho);

    /// <summary>When the lease runs out, on this node's monotonic clock (MinValue before the first renewal).</summary>
    public TimeSpan ValidUntil
    {
        get
        {
            lock (gate)
            {
                return sentAt == TimeSpan.MinValue ? TimeSpan.MinValue : sentAt + Validity;
            }
        }
    }

    /// <summary>A renewal sent at <paramref name="renewalSentAt"/> was answered; an answer older than the one in force changes nothing.</summary>
    public void Renewed(TimeSpan renewalSentAt, IEnumerable<(string Namespace, long Epoch)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        lock (gate)
        {
            if (renewalSentAt <= sentAt)
            {
                return;
            }

            sentAt = renewalSentAt;
            covered = [.. pairs];
        }
    }

    /// <summary>Whether the lease, at <paramref name="now"/>, covers the namespace in that epoch.</summary>
    public bool Covers(string ns, long epoch, TimeSpan now)
    {
        lock (gate)
        {
            return sentAt != TimeSpan.MinValue && now < sentAt + Validity && covered.Contains((ns, epoch));
        }
    }
}
