using System.Text;
using Platform.Storage.Mvcc;

namespace Platform.Global.Tests.Simulation;

/// <summary>
/// The rules a run must keep, checked as it goes and at its end: a write is acknowledged only by
/// the home of its epoch, and only while that epoch is the catalog's (so every write acknowledged
/// under epoch e is acknowledged before e + 1 is committed, and no two regions acknowledge writes in
/// overlapping epochs), except a write committed before a switchover's freeze, which the next home
/// holds before it takes writes; in the end every region holds the same history, in order, once, and every
/// acknowledged write not past the fork point of its epoch or a later one is in it.
/// </summary>
public sealed class SimChecker(SimWorld world, SimCatalog catalog)
{
    private readonly List<(string Region, long Epoch, long Revision, string Key, string Value)> acknowledged = [];

    public IReadOnlyList<string> Failures => failures;

    private readonly List<string> failures = [];

    public int AcknowledgedCount => acknowledged.Count;

    public int LostPastFork { get; private set; }

    public void Fail(string failure)
    {
        failures.Add(failure);
        world.Log("FAILED: " + failure);
    }

    public void Acknowledged(string region, long epoch, long revision, string key, string value)
    {
        // A switchover does not wait out the home's lease: a write it committed before the freeze
        // may be acknowledged after the next epoch began, as it is in the history that epoch continues.
        var beforeFreeze = catalog.FrozenAt.TryGetValue(epoch, out var frozenAt) && revision <= frozenAt;
        if (catalog.Epoch != epoch && !beforeFreeze)
        {
            Fail($"{region} acknowledged revision {revision:x} of epoch {epoch} after epoch {catalog.Epoch} was committed");
        }

        if (catalog.HomeOf.GetValueOrDefault(epoch) != region)
        {
            Fail($"{region} acknowledged revision {revision:x} of epoch {epoch}, whose home is {catalog.HomeOf.GetValueOrDefault(epoch)}");
        }

        if (Revisions.Epoch(revision) != epoch)
        {
            Fail($"{region} acknowledged revision {revision:x} under epoch {epoch}");
        }

        acknowledged.Add((region, epoch, revision, key, value));
    }

    /// <summary>The end of a run, after every fault healed and the regions settled.</summary>
    public void CheckConverged(IReadOnlyCollection<SimRegion> regions)
    {
        var home = regions.Single(r => r.Name == catalog.Home);
        if (home.State.IsCopy)
        {
            Fail($"the catalog's home {home.Name} holds a copy");
        }

        foreach (var other in regions.Where(r => r != home && !r.State.IsCopy))
        {
            Fail($"{other.Name} still takes writes, but the home is {home.Name}");
        }

        var truth = History(home);
        foreach (var region in regions)
        {
            var history = History(region);
            if (!history.SequenceEqual(truth))
            {
                var at = history.Zip(truth).TakeWhile(p => p.First == p.Second).Count();
                Fail($"{region.Name} holds {history.Count} changes, the home {truth.Count}; they part at change {at}: " +
                    $"{(at < history.Count ? history[at] : "-")} vs {(at < truth.Count ? truth[at] : "-")}");
            }
            else if (region.State.Store.DigestAt() != home.State.Store.DigestAt())
            {
                Fail($"{region.Name}'s digest differs from the home's at the same history");
            }
        }

        var kept = truth.ToHashSet();
        foreach (var (region, epoch, revision, key, value) in acknowledged)
        {
            if (catalog.ForkOf.Any(f => f.Key >= epoch && revision > f.Value))
            {
                // Acknowledged at a home lost in an unplanned failover before the region promoted
                // then had it (the fork point of that epoch or a later one lies below it): the RPO's loss.
                LostPastFork++;
                continue;
            }

            if (!kept.Contains((revision, key, value)))
            {
                Fail($"the write {key}={value} acknowledged by {region} at {revision:x} (epoch {epoch}) is missing from the final history");
            }
        }
    }

    private static List<(long Revision, string Key, string Value)> History(SimRegion region) =>
        [.. region.State.Store.ChangesAfter(0).Select(c => (c.Revision, c.Current.Key, c.Kind == ChangeKind.Put ? Encoding.UTF8.GetString(c.Current.Value.Span) : "<deleted>"))];
}
