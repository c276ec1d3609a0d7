using Microsoft.Extensions.DependencyInjection;
using Platform.Regional.Placement;

namespace Platform.Regional.Replicas;

/// <summary>Answers identity probes from fresh peers (see <see cref="NodeIdentity"/>).</summary>
[NodePinnedPlacement]
public sealed class NodeGrain : Grain, INodeGrain
{
    public static string KeyFor(string node) => ReplicaKey.For("node", node);

    public Task<IdentityProbe> Probe()
    {
        var identity = ServiceProvider.GetRequiredService<NodeIdentity>();
        if (!identity.TryLoad())
        {
            return Task.FromResult(new IdentityProbe(false, false));
        }

        // Data in any group this node holds a replica of: the region's, or one a layer above hosts
        // (the strong-global groups may have elected and committed before the region's own groups did).
        var replicas = ServiceProvider.GetRequiredService<NodeReplicas>();
        var groups = replicas.Options.Groups;
        var hasData = Enumerable.Range(0, groups).Any(g => replicas.Get((ulong)g).Term > 0)
            || ServiceProvider.GetServices<IGroupSource>().SelectMany(source => source.Groups).Any(g => g.Replica.Term > 0);
        return Task.FromResult(new IdentityProbe(true, hasData));
    }

    public Task ApplyChaos(Chaos.ChaosAction action)
    {
        ServiceProvider.GetRequiredService<Chaos.ChaosState>().Apply(action);
        return Task.CompletedTask;
    }
}
