using Platform.Client;
using Platform.LoadTests.Report;

namespace Platform.LoadTests.Cluster;

/// <summary>
/// The inter-region round trips every node reports in <c>/v1/status</c> (<c>regions[].rttMs</c>, from the
/// pings each node sends a node of every other region every 2 s): what the simulated WAN really cost,
/// next to what <c>--wan-rtt</c> asked for.
/// </summary>
public static class RoundTripReadings
{
    /// <summary>One row per node and other region; a node that cannot be asked adds none and is named in <paramref name="unreadable"/>.</summary>
    public static async Task<IReadOnlyList<MeasuredRoundTrip>> ReadAsync(
        IReadOnlyList<(string Region, ClusterNode Node, PlatformClient Client)> nodes, List<string> unreadable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(unreadable);
        var rows = new List<MeasuredRoundTrip>();
        foreach (var (region, node, client) in nodes)
        {
            try
            {
                var status = await client.GetStatusAsync(cancellationToken);
                // A node lists its own region too, at 0 ms: not a WAN round trip, and it would drag the summary down.
                rows.AddRange((status.Regions ?? []).Where(r => r.Name != region).Select(r => new MeasuredRoundTrip(region, node.Name, r.Name, r.Reachable, r.RttMs)));
            }
            catch (Exception problem) when (problem is HttpRequestException or PlatformProblemException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                unreadable.Add($"{region}/{node.Name}: {problem.Message}");
            }
        }

        return rows;
    }
}
