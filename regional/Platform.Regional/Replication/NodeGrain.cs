using Microsoft.Extensions.DependencyInjection;
using Platform.Regional.Placement;

namespace Platform.Regional.Replication;

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

        var replicas = ServiceProvider.GetRequiredService<NodeReplicas>();
        var groups = replicas.Options.Groups;
        var hasData = Enumerable.Range(0, groups).Any(g => replicas.Get((ulong)g).Term > 0);
        return Task.FromResult(new IdentityProbe(true, hasData));
    }
}
