using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Hosting;
using Platform.Regional.Hosting;
using Platform.Regional.Replicas;

namespace Platform.Global.Transport;

/// <summary>
/// Pings a node of every other region every <see cref="Period"/> over the inter-region transport:
/// a region is reachable while some node of it answered within <see cref="Stale"/>, and its round
/// trip is the last one measured (the simulated WAN delay included). What <c>/v1/status</c> shows.
/// </summary>
public sealed class PeerMonitor(IInterRegionTransport client, NodeOptions node, TimeProvider time) : BackgroundService, IRegionView
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Stale = TimeSpan.FromSeconds(6);
    private readonly ConcurrentDictionary<string, (TimeSpan At, double RoundTripMs)> lastAnswer = new();

    public IReadOnlyList<RegionReach> Regions
    {
        get
        {
            var now = time.Monotonic();
            var others = client.Options.OtherRegions.Select(region => lastAnswer.TryGetValue(region, out var seen) && now - seen.At < Stale
                ? new RegionReach(region, true, seen.RoundTripMs)
                : new RegionReach(region, false, seen.RoundTripMs));
            return [new RegionReach(node.Region, true, 0), .. others];
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>Pings every other region every <see cref="Period"/> until <paramref name="stoppingToken"/>.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            await Task.WhenAll(client.Options.OtherRegions.Select(region => PingAsync(region, stoppingToken)));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>
    /// Whether <paramref name="region"/> answers a ping sent now (up to <paramref name="attempts"/>
    /// rounds over its nodes): for decisions that neither a missed periodic ping on a busy machine
    /// nor an answer from before a region was cut off may sway.
    /// </summary>
    public async Task<bool> ReachableNowAsync(string region, int attempts, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            if (await PingAsync(region, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Tries the region's nodes in turn until one answers; whether one did.</summary>
    private async Task<bool> PingAsync(string region, CancellationToken cancellationToken)
    {
        foreach (var peer in client.Options.Peers.Where(p => p.Region == region))
        {
            var sent = time.GetTimestamp();
            try
            {
                var (status, _) = await client.PostAsync(peer, InterRegionEndpoint.Prefix + "/ping", [], cancellationToken);
                if (status == HttpStatusCode.OK)
                {
                    lastAnswer[region] = (time.Monotonic(), time.GetElapsedTime(sent).TotalMilliseconds);
                    return true;
                }
            }
            catch (Exception unreachable) when (unreachable is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Try the next node of that region.
            }
        }

        return false;
    }
}
