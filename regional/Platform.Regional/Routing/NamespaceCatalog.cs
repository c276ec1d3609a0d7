using Platform.Regional.Api.Problems;
using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;
using Platform.Regional.Replicas;
using Platform.Regional.StateMachine;

namespace Platform.Regional.Routing;

/// <summary>
/// The catalog as this node uses it: the entries of the group that keeps it (the strong-global
/// catalog group when regions are linked, else the region's group 0), read from this node's
/// replica. A replica that has not held everything its leader had committed for
/// <see cref="MaxStaleness"/> (<see cref="ReplicaCore.SinceFresh"/>) confirms through the leader
/// before it answers, so no node acts on a catalog older than that (plus the one-way delay of the
/// leader's last word); a name this replica does not know is confirmed the same way before it is
/// called missing.
/// </summary>
public sealed class NamespaceCatalog(GroupRouter router)
{
    /// <summary>The most a node's view of the catalog (namespaces and tokens) may lag behind its leader.</summary>
    public static readonly TimeSpan MaxStaleness = TimeSpan.FromSeconds(5);

    private const int CompareAndSwapAttempts = 5;

    /// <summary>The group whose state holds the catalog.</summary>
    public ulong Group => router.Global?.CatalogGroup ?? 0;

    public ReplicaCore Replica => router.Local(Group);

    /// <summary>This replica's entry, with no freshness check (for status pages and lookups already confirmed).</summary>
    public CatalogEntry? Find(string ns) => Replica.Read(m => m.Catalog.Find(ns));

    /// <summary>The entry, from a view no older than <see cref="MaxStaleness"/>; a miss is confirmed through the leader.</summary>
    public async Task<CatalogEntry?> FindAsync(string ns, CancellationToken cancellationToken)
    {
        await FreshenAsync(cancellationToken);
        if (Find(ns) is { } known)
        {
            return known;
        }

        await router.LinearizableBarrierAsync(Group, cancellationToken);
        return Find(ns);
    }

    /// <summary>Every entry, after a linearizable barrier.</summary>
    public async Task<IReadOnlyList<CatalogEntry>> ListAsync(CancellationToken cancellationToken)
    {
        await router.LinearizableBarrierAsync(Group, cancellationToken);
        return Replica.Read(m => m.Catalog.Entries.ToList());
    }

    /// <summary>Confirms through the leader when this replica has been out of touch for longer than the staleness bound.</summary>
    public async Task FreshenAsync(CancellationToken cancellationToken)
    {
        if (Replica.SinceFresh > MaxStaleness)
        {
            await router.LinearizableBarrierAsync(Group, cancellationToken);
        }
    }

    /// <summary>
    /// Creates the entry or changes its settings (compare-and-swap on what a linearizable read
    /// found, retried when another change won the race); returns the entry as committed and
    /// whether this call created it. Changing mode, home or group is refused: that is a switchover
    /// (<see cref="INamespaceMover"/>).
    /// </summary>
    public async Task<(CatalogEntry Entry, bool Created)> PutAsync(string ns, NamespaceSettings settings, ulong group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        for (var attempt = 0; ; attempt++)
        {
            await router.LinearizableBarrierAsync(Group, cancellationToken);
            var current = Find(ns);
            if (current is not null && (current.Mode != settings.Mode || current.HomeRegion != settings.HomeRegion))
            {
                throw ApiProblemException.InvalidRequest(
                    $"namespace '{ns}' is {NamespaceText.Mode(current.Mode)}{(current.HomeRegion is { } home ? $" homed in {home}" : string.Empty)}; " +
                    (current.Mode != settings.Mode ? "changing the mode" : "a new home region") + " is a switchover, which needs linked regions");
            }

            var reply = await router.ProposeAsync(Group, new PutCatalogEntryCommand(ns, settings, current?.Group ?? group, current?.Version ?? 0), cancellationToken);
            if (reply.Problem is null)
            {
                await Replica.WaitAppliedAsync(reply.Index, router.Node.RequestTimeout, cancellationToken);
                return (Find(ns) ?? throw ApiProblemException.NotCaughtUp("this node has not applied the catalog change it made"), current is null);
            }

            if (!reply.Problem.StartsWith(CatalogTable.Conflict, StringComparison.Ordinal) || attempt == CompareAndSwapAttempts)
            {
                throw ApiProblemException.InvalidRequest(reply.Problem);
            }
        }
    }

    /// <summary>Removes the entry (compare-and-swap on <paramref name="entry"/>'s version); false when it was already gone.</summary>
    public async Task<bool> DeleteAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var reply = await router.ProposeAsync(Group, new DeleteCatalogEntryCommand(entry.Name, entry.Version), cancellationToken);
        if (reply.Problem is { } problem && problem.StartsWith(CatalogTable.Conflict, StringComparison.Ordinal))
        {
            throw ApiProblemException.InvalidRequest($"namespace '{entry.Name}' changed while it was being deleted; try again");
        }

        return reply.Problem is null;
    }
}
