
namespace Platform.Global.Tests.Simulation;

/// <summary>
/// The operator moving the namespace, by the rules of docs/architecture.md (Moving a namespace), on its own drifting clock:
/// commit revoke(X, A, e), then either a switchover at once (fence = freeze at A, drain the target to
/// A's revision, compare-and-swap, or abort past a deadline and only then unfreeze A) or, after
/// waiting L * (1 + rho), an unplanned failover (fence every reachable region, promote the most
/// advanced, record the fork).
/// </summary>
public sealed class SimOperator(SimWorld world, SimCatalog catalog, Dictionary<string, SimRegion> regions, TimeSpan leaseDuration, double rho)
{
    private readonly double rate = 1 + ((world.Random.NextDouble() * 2) - 1) * rho;

    public int Switchovers { get; private set; }

    public int Failovers { get; private set; }

    public int Aborted { get; private set; }

    public bool Moving { get; private set; }

    private long RealFor(TimeSpan local) => (long)Math.Ceiling(local.TotalMicroseconds / rate);

    public void Move(bool planned)
    {
        if (Moving)
        {
            return;
        }

        Moving = true;
        var from = catalog.Home;
        var epoch = catalog.Epoch;
        var others = regions.Keys.Where(r => r != from).ToList();
        var target = others[world.Random.Next(others.Count)];
        world.Log($"operator: {(planned ? "switchover" : "failover")} of epoch {epoch} from {from}" + (planned ? $" to {target}" : string.Empty));
        world.Send(null, null, () =>
        {
            var revoked = catalog.Revoke(from, epoch);
            var moveVersion = catalog.Version;
            world.Send(null, null, () =>
            {
                if (!revoked)
                {
                    Moving = false;
                    return;
                }

                if (planned)
                {
                    // The freeze fences the home at once: a switchover does not wait out its lease.
                    Switchover(from, target, epoch, moveVersion);
                    return;
                }

                // No renewal that still covered the namespace outlives this wait, on any clock.
                world.At(RealFor(leaseDuration * (1 + rho)), null, () => Failover(from, epoch, moveVersion));
            });
        });
    }

    private void Switchover(string from, string target, long epoch, long moveVersion)
    {
        var deadline = world.Now + 1_500_000;
        long? frozenAt = null;
        world.Send(null, from, () => regions[from].Fence(epoch, moveVersion, (_, revision) => frozenAt = revision));
        long drained = -1;
        void Drain()
        {
            if (frozenAt is { } drainTo && drained >= drainTo)
            {
                Swap(epoch, target, fork: null, Switchovers: true, frozenAt: drainTo);
                return;
            }

            if (world.Now > deadline)
            {
                Abort(epoch, [from]);
                return;
            }

            // Polled whether or not the last answer came: messages get lost.
            // What the target holds past a fork point is not history: it counts only up to it.
            world.Send(null, target, () => regions[target].Report(applied =>
                drained = Math.Max(drained, catalog.Entry.ForkBelow(applied) ?? applied)));
            world.At(20_000, null, Drain);
        }

        world.At(20_000, null, Drain);
    }

    private void Failover(string from, long epoch, long moveVersion)
    {
        var replies = new List<(string Region, long Revision)>();
        foreach (var region in regions.Keys)
        {
            world.Send(null, region, () => regions[region].Fence(epoch, moveVersion, (name, revision) => replies.Add((name, revision))));
        }

        world.At(RealFor(TimeSpan.FromMilliseconds(200)), null, () =>
        {
            var candidates = replies.Where(r => r.Region != from).ToList();
            if (candidates.Count == 0)
            {
                Abort(epoch, [.. replies.Select(r => r.Region)]);
                return;
            }

            // A region still holding revisions past an earlier fork point counts only up to it (it
            // truncates to it when it learns the entry, before it is promoted).
            var effective = candidates.Select(c => (c.Region, Revision: catalog.Entry.ForkBelow(c.Revision) ?? c.Revision)).ToList();
            var best = effective.Max(c => c.Revision);
            var chosen = effective.Where(c => c.Revision == best).OrderBy(c => c.Region, StringComparer.Ordinal).First();
            Swap(epoch, chosen.Region, fork: best, Switchovers: false);
        });
    }

    private void Swap(long epoch, string target, long? fork, bool Switchovers, long? frozenAt = null)
    {
        world.Send(null, null, () =>
        {
            var moved = catalog.Move(epoch, target, fork, world.Now, frozenAt);
            world.Log($"operator: catalog moved epoch {epoch} -> {epoch + 1} to {target}, fork {fork:x}: {moved}");
            world.Send(null, null, () =>
            {
                Moving = false;
                if (!moved)
                {
                    return;
                }

                if (Switchovers)
                {
                    this.Switchovers++;
                }
                else
                {
                    Failovers++;
                }

                var learned = (catalog.Entry, catalog.Revoked);
                world.Send(null, target, () => regions[target].Promoted(learned));
            });
        });
    }

    /// <summary>The move is abandoned: the catalog covers the old home again, and only then are the fences lifted.</summary>
    private void Abort(long epoch, IReadOnlyList<string> fenced)
    {
        world.Send(null, null, () =>
        {
            catalog.Unrevoke(epoch);
            world.Log($"operator: move of epoch {epoch} aborted");
            world.Send(null, null, () =>
            {
                Aborted++;
                Moving = false;
                foreach (var region in fenced)
                {
                    world.Send(null, region, () => regions[region].Unfence(epoch));
                }
            });
        });
    }
}
