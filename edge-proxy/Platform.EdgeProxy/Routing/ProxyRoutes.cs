using System.Globalization;
using Platform.EdgeProxy.Hosting;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Platform.EdgeProxy.Routing;

/// <summary>
/// The proxy's configuration: every request the edge does not answer itself goes to the one
/// cluster of all nodes (the region's first, then the other regions' by nearness), checked
/// actively on <c>/readyz</c> and passively by transport failures.
/// </summary>
public static class ProxyRoutes
{
    public const string ClusterId = "nodes";

    public static IReadOnlyList<RouteConfig> Routes() =>
    [
        new RouteConfig { RouteId = "everything", ClusterId = ClusterId, Match = new RouteMatch { Path = "/{**rest}" } },
    ];

    public static IReadOnlyList<ClusterConfig> Clusters(EdgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal);
        for (var i = 0; i < options.RegionNodes.Count; i++)
        {
            destinations[$"{options.Region}/{i}"] = Destination(options.RegionNodes[i], options.Region, 0);
        }

        var ranks = options.RemoteNodes.Select(r => r.Region).Distinct(StringComparer.Ordinal).Select((region, index) => (region, index)).ToDictionary(p => p.region, p => p.index + 1, StringComparer.Ordinal);
        for (var i = 0; i < options.RemoteNodes.Count; i++)
        {
            var (region, url) = options.RemoteNodes[i];
            destinations[$"{region}/{i}"] = Destination(url, region, ranks[region]);
        }

        return
        [
            new ClusterConfig
            {
                ClusterId = ClusterId,
                LoadBalancingPolicy = NearestRegionPolicy.PolicyName,
                Destinations = destinations,
                HealthCheck = new HealthCheckConfig
                {
                    // Not YARP's default "HealthyOrPanic", which sends to every node when none is
                    // healthy: the edge must know the region is down to answer from its cache.
                    AvailableDestinationsPolicy = "HealthyAndUnknown",
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = options.HealthCheckInterval,
                        Timeout = TimeSpan.FromSeconds(1),
                        Policy = "ConsecutiveFailures",
                        Path = "/readyz",
                    },
                    Passive = new PassiveHealthCheckConfig
                    {
                        Enabled = true,
                        Policy = "TransportFailureRate",
                        ReactivationPeriod = TimeSpan.FromSeconds(5),
                    },
                },
                HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) },
            },
        ];
    }

    private static DestinationConfig Destination(Uri url, string region, int rank) => new()
    {
        Address = url.ToString(),
        Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["region"] = region,
            [NearestRegionPolicy.RankKey] = rank.ToString(CultureInfo.InvariantCulture),
        },
    };
}
