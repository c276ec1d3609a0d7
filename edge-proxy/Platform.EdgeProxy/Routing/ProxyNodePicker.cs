using Platform.EdgeProxy.Hosting;
using Platform.EdgeProxy.Upstream;
using Yarp.ReverseProxy;

namespace Platform.EdgeProxy.Routing;

/// <summary>
/// The edge's own requests (fetches, watches, token checks) use the proxy's health view: healthy
/// nodes by region nearness, spread over the region's nodes; with none healthy, every node of the
/// region anyway, then the others (a recovery is seen by a request before a health probe).
/// </summary>
public sealed class ProxyNodePicker(IProxyStateLookup proxy, EdgeOptions options) : INodePicker
{
    private int turn;

    public bool AnyHealthy => proxy.TryGetCluster(ProxyRoutes.ClusterId, out var cluster) && cluster.DestinationsState.AvailableDestinations.Count > 0;

    public IReadOnlyList<Uri> Candidates()
    {
        var start = Interlocked.Increment(ref turn);
        var picked = new List<Uri>();
        if (proxy.TryGetCluster(ProxyRoutes.ClusterId, out var cluster))
        {
            var healthy = cluster.DestinationsState.AvailableDestinations;
            foreach (var group in healthy.GroupBy(NearestRegionPolicy.RankOf).OrderBy(g => g.Key))
            {
                var nodes = group.Select(d => new Uri(d.Model.Config.Address)).ToList();
                for (var i = 0; i < nodes.Count; i++)
                {
                    picked.Add(nodes[(start + i) % nodes.Count]);
                }
            }
        }

        // Every configured node after the healthy ones: a health probe may lag a recovery.
        var all = options.RegionNodes.Concat(options.RemoteNodes.Select(r => r.Url));
        foreach (var node in all.Where(node => !picked.Contains(node)))
        {
            picked.Add(node);
        }

        return picked;
    }
}
