using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Requests;
using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;
using Platform.Regional.Replicas;
using Platform.Regional.StateMachine;

namespace Platform.Regional.Routing;

/// <summary>
/// Finds a namespace: its catalog entry (mode, home, epoch, the group its data lives in) and its
/// data in this node's replica of that group. The catalog says whether a namespace exists; the
/// data group holds its keys. Data the catalog knows of but the group lacks (a create that stopped
/// between the two, or an earlier incarnation of the name) is created where the namespace accepts
/// writes, before the first write.
/// </summary>
public sealed class NamespaceAccess(GroupRouter router, NamespaceCatalog catalog, IReplicationGuard? guard = null)
{
    public NamespaceCatalog Catalog => catalog;

    /// <summary>The node's clock.</summary>
    public TimeProvider Time => router.Time;

    /// <summary>The regional group a namespace homed in this region lives in: a hash of its name.</summary>
    public ulong RegionalGroupOf(string ns) => NamespacePlacement.GroupOf(ns, router.Node.Groups);

    /// <summary>The group of this region that holds the namespace's data (or its copy), as this node's catalog replica knows it.</summary>
    public ulong GroupOf(string ns) => catalog.Find(ns) is { } entry ? LocalGroupOf(entry) : RegionalGroupOf(ns);

    /// <summary>
    /// Where this region keeps a namespace: the group the catalog names, or for a <c>local-commit</c>
    /// namespace homed in another region, this region's group by the same hash (regions may run
    /// different numbers of groups).
    /// </summary>
    public ulong LocalGroupOf(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.HomedElsewhere(router.Node.Region) ? RegionalGroupOf(entry.Name) : entry.Group;
    }

    /// <summary>The group a new namespace with these settings keeps its data in.</summary>
    public ulong GroupFor(string ns, NamespaceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Mode == NamespaceMode.StrongGlobal && router.Global is { } global ? global.StrongGlobalGroup : RegionalGroupOf(ns);
    }

    public ReplicaCore Replica(string ns) => router.Local(GroupOf(ns));

    /// <summary>The namespace's settings, once its data is here (after <paramref name="consistency"/>'s barrier when linearizable).</summary>
    public async Task<NamespaceSettings> RequireAsync(string ns, Consistency consistency, CancellationToken cancellationToken) =>
        (await RequireEntryAsync(ns, consistency, copyServes: false, cancellationToken)).Settings;

    /// <summary>Like <see cref="RequireAsync(string, Consistency, CancellationToken)"/>; <paramref name="copyServes"/>: a copy may answer (<see cref="Api.Routes.CopyReads"/>).</summary>
    public async Task<NamespaceSettings> RequireAsync(string ns, Consistency consistency, bool copyServes, CancellationToken cancellationToken) =>
        (await RequireEntryAsync(ns, consistency, copyServes, cancellationToken)).Settings;

    /// <summary>The namespace's catalog entry, once this node's replica of its group holds its data.</summary>
    public Task<CatalogEntry> RequireEntryAsync(string ns, Consistency consistency, CancellationToken cancellationToken) =>
        RequireEntryAsync(ns, consistency, copyServes: false, cancellationToken);

    /// <summary>
    /// The namespace's catalog entry, once this node's replica of its group holds its data. A
    /// linearizable read is answered only by the home (or the strong-global group), after a barrier
    /// of its group and, for a <c>local-commit</c> namespace, under a valid home lease; never from a
    /// copy (unless <paramref name="copyServes"/>: the request asked for no more than a copy gives),
    /// a fenced or frozen state, or a store whose epoch is not the entry's. When the data is missing
    /// and the catalog, read again, names another entry (a move or mode change committed meanwhile),
    /// every check runs again for that entry.
    /// </summary>
    public async Task<CatalogEntry> RequireEntryAsync(string ns, Consistency consistency, bool copyServes, CancellationToken cancellationToken)
    {
        var entry = await catalog.FindAsync(ns, cancellationToken) ?? throw ApiProblemException.NamespaceNotFound(ns);
        for (var attempt = 1; ; attempt++)
        {
            if (entry.HomedElsewhere(router.Node.Region))
            {
                if (consistency == Consistency.Linearizable && !copyServes)
                {
                    // Reached here although the home is elsewhere (a forwarded request whose sender's
                    // catalog disagrees with this node's): the copy may lag the home, so it must not answer.
                    throw ApiProblemException.NotCaughtUp($"namespace '{ns}' is homed in {entry.HomeRegion}: region {router.Node.Region} holds a copy, which does not answer linearizable reads");
                }

                // Answered from this region's copy, which only the replicator makes and fills.
                return HasCopy(entry) ? entry : throw ApiProblemException.NotCaughtUp($"region {router.Node.Region} holds no copy of namespace '{ns}' yet");
            }

            if (consistency == Consistency.Linearizable)
            {
                await LinearizableChecksAsync(entry, cancellationToken);
            }

            if (HasData(entry))
            {
                return entry;
            }

            if (HasCopy(entry))
            {
                // The home moved here: the copy becomes the home once this region's replicator promotes it.
                throw ApiProblemException.NotCaughtUp($"region {router.Node.Region} is taking over namespace '{ns}' (epoch {entry.Epoch}); retry in a moment");
            }

            // Created a moment ago through another node, whose data this replica has not applied yet?
            await router.LinearizableBarrierAsync(entry.Group, cancellationToken);
            if (HasData(entry))
            {
                continue;
            }

            // Before making data, make sure the namespace still exists as this node believes:
            // a catalog replica behind a delete must not bring the deleted namespace back.
            await router.LinearizableBarrierAsync(catalog.Group, cancellationToken);
            var current = catalog.Find(ns) ?? throw ApiProblemException.NamespaceNotFound(ns);
            if (current.Version != entry.Version)
            {
                // The entry changed (a move, a mode change, a new incarnation of the name): its
                // group, home and epoch may differ, so every check runs again on the new one.
                if (attempt >= MaxEntryChanges)
                {
                    throw ApiProblemException.NotCaughtUp($"namespace '{ns}' kept changing in the catalog while this read looked for its data; retry in a moment");
                }

                entry = current;
                continue;
            }

            await CreateDataAsync(entry, cancellationToken);
            return entry;
        }
    }

    /// <summary>How many times one request follows a catalog entry that changed under it before it gives up (503).</summary>
    private const int MaxEntryChanges = 3;

    /// <summary>
    /// A linearizable read at the home: the group's barrier, the home lease, then the state as applied
    /// after the barrier must be this epoch's home data. A frozen state (a switchover or mode change is
    /// draining it), a stopped one, a copy (the node's catalog view is behind a move that demoted it)
    /// or a store of another epoch may all lack writes the current home took.
    /// </summary>
    private async Task LinearizableChecksAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        await router.LinearizableBarrierAsync(entry.Group, cancellationToken);
        if (entry.Mode == NamespaceMode.LocalCommit && guard is not null)
        {
            await guard.BeforeLinearizableReadAsync(entry, cancellationToken);
        }

        var refusal = router.Local(entry.Group).Read(m => m.State(entry.Name) switch
        {
            null => null,
            { IsCopy: true } => "this region's data is a copy",
            { FencedThrough: var fenced } when fenced >= entry.Epoch => "it is frozen: its home or mode is changing",
            { Store.Epoch: var epoch } when epoch != entry.Epoch => $"this node holds it in epoch {epoch}",
            _ => null,
        });
        if (refusal is not null)
        {
            throw ApiProblemException.NotCaughtUp($"namespace '{entry.Name}' cannot be read linearizably here in epoch {entry.Epoch}: {refusal}; retry in a moment");
        }
    }

    /// <summary>
    /// Commits the namespace's data (at the catalog's epoch) in its group, where the namespace
    /// accepts writes; elsewhere the data lives in the home region and this region does not hold it.
    /// </summary>
    public async Task CreateDataAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        RequireWritableHere(entry.Name, entry.Settings);
        if (entry.Epochs.Count > 1 && !HasData(entry))
        {
            // A namespace that moved (home or mode) gets its data from the move, never by a fresh
            // create, which would start it empty: the promotion of the copy the move made does it.
            throw ApiProblemException.NotCaughtUp($"namespace '{entry.Name}' is taking over its data in epoch {entry.Epoch}; retry in a moment");
        }

        var reply = await router.ProposeAsync(entry.Group, new CreateNamespaceCommand(entry.Name, entry.Settings, entry.Epoch), cancellationToken);
        if (reply.Problem is { } problem)
        {
            throw ApiProblemException.InvalidRequest(problem);
        }

        if (!await router.Local(entry.Group).WaitAppliedAsync(reply.Index, router.Node.RequestTimeout, cancellationToken))
        {
            throw ApiProblemException.NotCaughtUp($"this node has not applied the creation of namespace '{entry.Name}' in time");
        }
    }

    /// <summary>
    /// Waits (at most the request timeout) until this node's replica of the namespace's group holds
    /// its data in the entry's epoch: after a move, once the copy it made is promoted. Returns either
    /// way: the move is done, and requests before the promotion are refused with nothing changed.
    /// </summary>
    public async Task WaitServedAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var until = router.Time.Monotonic() + router.Node.RequestTimeout;
        while (!HasData(entry) && router.Time.Monotonic() < until)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), router.Time, cancellationToken);
        }
    }

    private bool HasData(CatalogEntry entry) =>
        router.Local(entry.Group).Read(m => m.State(entry.Name) is { } state && state.Store.Epoch >= entry.Epoch);

    /// <summary>Whether this node's replica holds a copy of a namespace homed in another region.</summary>
    public bool HasCopy(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return router.Local(LocalGroupOf(entry)).Read(m => m.State(entry.Name) is { IsCopy: true });
    }

    /// <summary>Refuses writes in a region that is not the namespace's home (409 FencedEpoch).</summary>
    public void RequireWritableHere(string ns, NamespaceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.AcceptsWritesIn(router.Node.Region))
        {
            throw ApiProblemException.FencedEpoch($"namespace '{ns}' is homed in {settings.HomeRegion}; region {router.Node.Region} does not accept its writes");
        }
    }

    /// <summary>The namespace as the catalog routes show it: the catalog's entry and what this node's replica holds of its data.</summary>
    public NamespaceView? View(string ns) => catalog.Find(ns) is { } entry ? View(entry) : null;

    public NamespaceView View(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (revision, compacted, keys) = router.Local(LocalGroupOf(entry)).Read(m => m.State(entry.Name) is { } state
            ? (state.Store.Revision, state.Store.CompactRevision, state.Store.LiveKeys)
            : (0L, 0L, 0));
        var lags = guard?.Lags(entry) ?? [];
        return new NamespaceView(entry.Name, entry.Settings, LocalGroupOf(entry), revision, compacted, entry.Epoch, keys) { Regions = lags };
    }
}
