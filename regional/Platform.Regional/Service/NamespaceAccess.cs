using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Requests;
using Platform.Regional.Namespaces;
using Platform.Regional.Replication;

namespace Platform.Regional.Service;

/// <summary>
/// Finds a namespace's group and its settings as this node's replica knows them. A namespace this
/// replica has not seen yet may have been created through another node a moment ago, so a miss is
/// confirmed through the leader (a linearizable barrier) before it is answered NamespaceNotFound.
/// </summary>
public sealed class NamespaceAccess(GroupRouter router)
{
    /// <summary>The regional group a namespace of this region lives in: a hash of its name.</summary>
    public ulong RegionalGroupOf(string ns) => NamespacePlacement.GroupOf(ns, router.Node.Groups);

    /// <summary>
    /// The group that holds the namespace as this node's replicas know it: the strong-global group
    /// for a <c>strong-global</c> namespace (every region has it), else the region's hash group.
    /// </summary>
    public ulong GroupOf(string ns) =>
        router.Global is { } global && global.Local(global.StrongGlobalGroup) is { } replica && replica.Read(m => m.State(ns) is not null)
            ? global.StrongGlobalGroup
            : RegionalGroupOf(ns);

    /// <summary>The group a namespace with these settings is created in.</summary>
    public ulong GroupFor(string ns, NamespaceSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Mode == NamespaceMode.StrongGlobal && router.Global is { } global ? global.StrongGlobalGroup : RegionalGroupOf(ns);
    }

    public ReplicaCore Replica(string ns) => router.Local(GroupOf(ns));

    /// <summary>The namespace's settings, after <paramref name="consistency"/>'s barrier when linearizable.</summary>
    public async Task<NamespaceSettings> RequireAsync(string ns, Consistency consistency, CancellationToken cancellationToken)
    {
        var group = GroupOf(ns);
        if (consistency == Consistency.Linearizable)
        {
            await router.LinearizableBarrierAsync(group, cancellationToken);
        }

        var settings = router.Local(group).Read(m => m.State(ns)?.Settings);
        if (settings is null && consistency == Consistency.Serializable)
        {
            // Created a moment ago through another node (or, if strong-global, another region)?
            await router.LinearizableBarrierAsync(RegionalGroupOf(ns), cancellationToken);
            if (router.Global is { } global)
            {
                await router.LinearizableBarrierAsync(global.StrongGlobalGroup, cancellationToken);
            }

            settings = router.Local(GroupOf(ns)).Read(m => m.State(ns)?.Settings);
        }

        return settings ?? throw ApiProblemException.NamespaceNotFound(ns);
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

    public NamespaceView? View(string ns) => Replica(ns).Read(m => m.State(ns) is { } state
        ? new NamespaceView(ns, state.Settings, GroupOf(ns), state.Store.Revision, state.Store.CompactRevision, state.Store.Epoch, state.Store.LiveKeys)
        : null);
}
