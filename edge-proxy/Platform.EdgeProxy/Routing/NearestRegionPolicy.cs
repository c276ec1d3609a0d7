using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Platform.EdgeProxy.Routing;

/// <summary>
/// YARP load balancing for the edge's one cluster: the least busy healthy node of the edge's own
/// region; when none is healthy, a node of the nearest other region that is (destinations carry
/// their region and its rank in metadata). The node that takes a write forwards it to the home
/// region or the strong-global leader.
/// </summary>
public sealed class NearestRegionPolicy : ILoadBalancingPolicy
{
    public const string PolicyName = "NearestRegion";
    public const string RankKey = "rank";

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        ArgumentNullException.ThrowIfNull(availableDestinations);
        DestinationState? best = null;
        var bestRank = int.MaxValue;
        foreach (var destination in availableDestinations)
        {
            var rank = RankOf(destination);
            if (rank < bestRank || (rank == bestRank && destination.ConcurrentRequestCount < best!.ConcurrentRequestCount))
            {
                best = destination;
                bestRank = rank;
            }
        }

        return best;
    }

    /// <summary>0 for the edge's own region, then 1, 2... by nearness.</summary>
    public static int RankOf(DestinationState destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return destination.Model.Config.Metadata is { } metadata && metadata.TryGetValue(RankKey, out var text) && int.TryParse(text, out var rank) ? rank : int.MaxValue;
    }
}
