using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Regional.Hosting;

namespace Platform.Regional.Replicas;

/// <summary>
/// The node's clock for its replicas: ticks every replica from one process-wide timer, and lets a
/// replica outside its group's configuration (a rejoining incarnation) ask to be added. Driving
/// Raft time from a grain timer would tie elections and CheckQuorum to that grain's activation:
/// a deactivated grain would leave a leader that never steps down.
/// </summary>
public sealed partial class ReplicaTicker(NodeReplicas replicas, NodeOptions node, IGrainFactory grains, Placement.NodeAddresses addresses, ILogger<ReplicaTicker> logger) : BackgroundService
{
    private static readonly TimeSpan JoinPeriod = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(node.TickInterval);
        var nextJoinCheck = DateTime.UtcNow;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!replicas.IsReady)
            {
                continue;
            }

            for (ulong group = 0; group < (ulong)node.Groups; group++)
            {
                _ = replicas.Get(group).TickAsync();
            }

            if (DateTime.UtcNow >= nextJoinCheck)
            {
                nextJoinCheck = DateTime.UtcNow + JoinPeriod;
                KeepRoutesWarm();
                for (ulong group = 0; group < (ulong)node.Groups; group++)
                {
                    if (replicas.Get(group).NeedsToJoin)
                    {
                        _ = AskToJoinAsync(group, replicas.Get(group).Status().ReplicaId);
                    }
                }
            }
        }
    }

    private static readonly byte[] NoMessages = Transport.RaftMessageCodec.Encode([]);

    /// <summary>
    /// Sends an empty batch to every peer replica of every group, every second. Followers of a group
    /// talk to each other only when they elect; a first call to a grain while a peer node is frozen
    /// was seen to be lost for the whole freeze (Orleans resolving the new grain's address), which
    /// stalled the election that freeze called for. Calls made while all is well keep every route known.
    /// </summary>
    private void KeepRoutesWarm()
    {
        // A node that is not an active member would only be refused by placement, every second.
        foreach (var peer in node.RegionNodes.Where(n => n != node.NodeName && addresses.IsActive(n)))
        {
            for (ulong group = 0; group < (ulong)node.Groups; group++)
            {
                grains.GetGrain<IReplicaGrain>(addresses.Replica(group, peer)).Deliver(NoMessages).Ignore();
            }
        }
    }

    /// <summary>Asks the group's leader, found through any peer, to take the next step of adding this replica.</summary>
    private async Task AskToJoinAsync(ulong group, ulong replica)
    {
        foreach (var peer in node.RegionNodes.Where(n => n != node.NodeName))
        {
            try
            {
                var reply = await grains.GetGrain<IReplicaGrain>(addresses.Replica(group, peer)).RequestJoin(replica);
                if (reply is { Status: JoinStatus.NotLeader, LeaderNode: { } leader } && leader != node.NodeName && leader != peer)
                {
                    reply = await grains.GetGrain<IReplicaGrain>(addresses.Replica(group, leader)).RequestJoin(replica);
                }

                if (reply.Status != JoinStatus.NotLeader)
                {
                    return;
                }
            }
            catch (Exception unreachable) when (unreachable is TimeoutException or OrleansException or SiloUnavailableException)
            {
                LogJoinRetry(logger, group, peer, unreachable.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "group {Group}: could not ask {Peer} to add this replica: {Problem}")]
    private static partial void LogJoinRetry(ILogger logger, ulong group, string peer, string problem);
}
