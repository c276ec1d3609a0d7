using Mediator;
using Platform.Regional.Api.Requests;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;

namespace Platform.Regional.Api.Handlers;

/// <summary>
/// The node's view of its region: each group as its leader sees it (members and how far each has
/// matched the log are known only there), and the namespaces of the catalog as this node's replica knows them.
/// </summary>
public sealed class StatusHandler(GroupRouter router, NamespaceAccess namespaces, IGrainFactory grains, Placement.NodeAddresses addresses, Hosting.IRegionView regions, IEnumerable<IGroupSource> others) : IRequestHandler<GetStatus, NodeStatus>
{
    private static readonly TimeSpan AskLeader = TimeSpan.FromSeconds(1);

    public async ValueTask<NodeStatus> Handle(GetStatus request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var node = router.Node;
        var groups = new List<(ulong, ReplicaStatus)>();
        var views = new List<NamespaceView>();

        // The topology (groups, their members and leaders, the regions and their round trips) is
        // an operator's view: a token that is not admin over every namespace sees only this node's
        // name and the namespaces it may read.
        var operatorView = request.Caller.IsClusterAdmin;
        for (ulong group = 0; operatorView && group < (ulong)node.Groups; group++)
        {
            var local = router.Local(group).Status();
            var status = local;
            if (local.LeaderNode is { } leader && leader != node.NodeName)
            {
                try
                {
                    status = await grains.GetGrain<IReplicaGrain>(addresses.Replica(group, leader)).Status().WaitAsync(AskLeader, cancellationToken);
                }
                catch (Exception unreachable) when (unreachable is TimeoutException or OrleansException or SiloUnavailableException)
                {
                    // The leader is away: show this node's own view rather than nothing.
                    status = local;
                }
            }

            groups.Add((group, status));
        }

        // The catalog as this node's replica knows it (no round trip: a status page must answer when the catalog cannot).
        try
        {
            views.AddRange(namespaces.Catalog.Replica.Read(m => m.Catalog.Entries.ToList())
                .Where(e => request.Caller.Holds(e.Name, Security.Role.Reader))
                .Select(namespaces.View));
        }
        catch (NodeNotReadyException)
        {
            // The catalog's replica on this node is still starting: the groups are worth showing anyway.
        }

        // Groups hosted by the layers above (strong-global groups): this node's own view of each.
        if (operatorView)
        {
            groups.AddRange(others.SelectMany(o => o.Groups).Select(g => (g.Id, g.Replica.Status())));
        }

        return new NodeStatus(node.Region, node.NodeName, groups, [.. views.OrderBy(v => v.Name, StringComparer.Ordinal)], operatorView ? regions.Regions : []);
    }
}
