using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Regional.Replicas;

namespace Platform.Regional.Hosting;

/// <summary>
/// Once the silo is up, settles this node's identity (asking its peers when the data directory is
/// fresh), then activates this node's replica of every group (a replica keeps itself alive with its
/// tick timer), retrying while the silo is still joining the cluster.
/// </summary>
public sealed partial class ReplicaActivator(IGrainFactory grains, Placement.NodeAddresses addresses, NodeOptions node, NodeIdentity identity, ILogger<ReplicaActivator> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await SettleIdentityAsync(stoppingToken);
        for (ulong group = 0; group < (ulong)node.Groups; group++)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await grains.GetGrain<IReplicaGrain>(addresses.Replica(group, node.NodeName)).Status();
                    break;
                }
                catch (Exception problem) when (problem is not OperationCanceledException)
                {
                    LogRetry(logger, group, problem.Message);
                    await Task.Delay(RetryDelay, stoppingToken);
                }
            }
        }
    }

    /// <summary>
    /// A fresh directory becomes a new region's first incarnation only when every other node
    /// answers and none has data; any node with data makes it a rejoining learner. Until then it
    /// waits: guessing wrong would let a wiped node vote again under its old id.
    /// </summary>
    private async Task SettleIdentityAsync(CancellationToken stoppingToken)
    {
        var peers = node.RegionNodes.Where(n => n != node.NodeName).ToList();
        while (!identity.TryLoad() && !stoppingToken.IsCancellationRequested)
        {
            var answers = await Task.WhenAll(peers.Select(ProbeAsync));
            if (answers.Any(a => a is { HasData: true }))
            {
                identity.Decide(regionHasData: true);
            }
            else if (answers.All(a => a is not null))
            {
                identity.Decide(regionHasData: false);
            }
            else
            {
                var silent = string.Join(", ", peers.Where((_, i) => answers[i] is null));
                LogWaiting(logger, silent);
                await Task.Delay(RetryDelay * 2, stoppingToken);
            }
        }
    }

    private async Task<IdentityProbe?> ProbeAsync(string peer)
    {
        try
        {
            return await grains.GetGrain<INodeGrain>(addresses.Key("node", peer)).Probe().WaitAsync(ProbeTimeout);
        }
#pragma warning disable CA1031 // Any failure means "no answer yet": the loop asks again.
        catch (Exception unreachable) when (unreachable is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogProbeFailed(logger, peer, unreachable);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "replica of group {Group} not active yet: {Problem}")]
    private static partial void LogRetry(ILogger logger, ulong group, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "identity probe of {Peer} failed")]
    private static partial void LogProbeFailed(ILogger logger, string peer, Exception failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "fresh data directory: waiting for {Peers} to answer before choosing this node's replica id")]
    private static partial void LogWaiting(ILogger logger, string peers);
}
