using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;

namespace Platform.Global.Tests.Simulation;

/// <summary>
/// The catalog's entry for the simulated namespace, as the strong-global catalog group holds it:
/// linearizable (each operation takes effect when it reaches the group), never down. It records
/// when each epoch was committed and which region it homes, for the checks.
/// </summary>
public sealed class SimCatalog(string ns, string firstHome, NamespaceSettings settings)
{
    public string Namespace => ns;

    public string Home { get; private set; } = firstHome;

    public long Epoch { get; private set; }

    /// <summary>revoke(X, home, epoch) committed: renewals no longer cover the namespace.</summary>
    public bool Revoked { get; private set; }

    public long Version { get; private set; } = 1;

    public Dictionary<long, string> HomeOf { get; } = new() { [0] = firstHome };

    public Dictionary<long, long> CommittedAt { get; } = new() { [0] = 0 };

    public Dictionary<long, long> ForkOf { get; } = [];

    /// <summary>The freeze point of each epoch that ended by a switchover: its last revision, drained to the next home.</summary>
    public Dictionary<long, long> FrozenAt { get; } = [];

    public NamespaceSettings SettingsFor(string home) => settings with { HomeRegion = home };

    /// <summary>The entry as a catalog replica would show it (epochs with their fork points).</summary>
    public CatalogEntry Entry => new(ns, SettingsFor(Home), 0, Epoch,
        [.. HomeOf.OrderBy(h => h.Key).Select(h => new EpochRecord(h.Key, h.Value, ForkOf.TryGetValue(h.Key, out var fork) ? fork : null))], Version)
    {
        MovingTo = Revoked ? "(moving)" : null,
    };

    /// <summary>What a lease renewal reaching the catalog now covers for <paramref name="region"/>.</summary>
    public IReadOnlyList<(string, long)> Covered(string region) => Home == region && !Revoked ? [(ns, Epoch)] : [];

    public bool Revoke(string home, long epoch)
    {
        if (Home != home || Epoch != epoch || Revoked)
        {
            return false;
        }

        Revoked = true;
        Version++;
        return true;
    }

    /// <summary>An aborted move: renewals cover the home again.</summary>
    public void Unrevoke(long epoch)
    {
        if (Epoch == epoch && Revoked)
        {
            Revoked = false;
            Version++;
        }
    }

    /// <summary>
    /// The compare-and-swap that moves the namespace: home = <paramref name="target"/>, epoch + 1,
    /// with the old epoch's fork point after a failover, or its freeze point after a switchover.
    /// </summary>
    public bool Move(long expectedEpoch, string target, long? fork, long now, long? frozenAt = null)
    {
        if (Epoch != expectedEpoch || !Revoked)
        {
            return false;
        }

        if (fork is { } point)
        {
            ForkOf[Epoch] = point;
        }

        if (frozenAt is { } freeze)
        {
            FrozenAt[Epoch] = freeze;
        }

        Epoch++;
        Home = target;
        Revoked = false;
        Version++;
        HomeOf[Epoch] = target;
        CommittedAt[Epoch] = now;
        return true;
    }
}
