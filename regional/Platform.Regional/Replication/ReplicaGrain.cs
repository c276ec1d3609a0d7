using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Platform.Regional.Placement;

namespace Platform.Regional.Replication;

/// <summary>
/// The grain face of a group's replica on its node: it ticks the replica on a timer and hands it
/// messages and proposals. The replica itself (<see cref="ReplicaCore"/>) outlives any activation.
/// Reentrant, so a proposal waiting for its entry to apply does not block the messages that commit it.
/// </summary>
[NodePinnedPlacement]
[Reentrant]
public sealed class ReplicaGrain : Grain, IReplicaGrain
{
    /// <summary>Below the grain call timeout, so a leader that cannot confirm itself answers rather than times out.</summary>
    private static readonly TimeSpan ReadIndexTimeout = TimeSpan.FromSeconds(3);

    private ReplicaCore core = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var group = ParseGroup(ReplicaKey.WhatOf(this.GetPrimaryKeyString()));
        if (!ServiceProvider.GetRequiredService<NodeIdentity>().IsDecided)
        {
            // Until the node knows which replica its disk is, no replica of it may answer anyone.
            throw new InvalidOperationException($"replica {this.GetPrimaryKeyString()} cannot activate before its node's identity is settled");
        }

        core = ServiceProvider.GetRequiredService<NodeReplicas>().Get(group);
        var grains = GrainFactory;
        core.Transport ??= (node, batch) => grains.GetGrain<IReplicaGrain>(KeyFor(group, node)).Deliver(batch).Ignore();
        var tick = ServiceProvider.GetRequiredService<Hosting.NodeOptions>().TickInterval;
        this.RegisterGrainTimer(_ => core.TickAsync(), new GrainTimerCreationOptions { DueTime = tick, Period = tick, Interleave = true, KeepAlive = true });
        var node = ServiceProvider.GetRequiredService<Hosting.NodeOptions>();
        this.RegisterGrainTimer(_ => AskToJoinAsync(group, node), new GrainTimerCreationOptions { DueTime = JoinPeriod, Period = JoinPeriod, Interleave = true, KeepAlive = true });
        return Task.CompletedTask;
    }

    private static readonly TimeSpan JoinPeriod = TimeSpan.FromSeconds(1);

    /// <summary>A replica outside its group's configuration (a rejoining incarnation) asks the leader, found through any peer, to add it.</summary>
    private async Task AskToJoinAsync(ulong group, Hosting.NodeOptions node)
    {
        if (!core.NeedsToJoin)
        {
            return;
        }

        var replica = core.Status().ReplicaId;
        foreach (var peer in node.RegionNodes.Where(n => n != node.NodeName))
        {
            try
            {
                var reply = await GrainFactory.GetGrain<IReplicaGrain>(KeyFor(group, peer)).RequestJoin(replica);
                if (reply is { Status: JoinStatus.NotLeader, LeaderNode: { } leader } && leader != node.NodeName)
                {
                    reply = await GrainFactory.GetGrain<IReplicaGrain>(KeyFor(group, leader)).RequestJoin(replica);
                }

                if (reply.Status != JoinStatus.NotLeader)
                {
                    return;
                }
            }
            catch (Exception unreachable) when (unreachable is TimeoutException or OrleansException or SiloUnavailableException)
            {
                // Try the next peer; the timer asks again.
            }
        }
    }

    public static string KeyFor(ulong group, string node) => ReplicaKey.For($"g{group}", node);

    private static ulong ParseGroup(string what) =>
        what.StartsWith('g') && ulong.TryParse(what.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var group)
            ? group
            : throw new ArgumentException($"'{what}' does not name a group (g<number>)");

    public Task Deliver(byte[] messages) => core.DeliverAsync(messages);

    public Task<ProposeReply> Propose(byte[] command) => core.ProposeAsync(command);

    public Task<ReadIndexReply> ReadIndex() => core.ReadIndexAsync(ReadIndexTimeout);

    public Task<JoinReply> RequestJoin(ulong replica) => Task.FromResult(core.RequestJoin(replica));

    public Task<ReplicaStatus> Status() => Task.FromResult(core.Status());

    public Task<byte[]?> ReadLocal(string ns, string key) => Task.FromResult(core.ReadLocal(ns, key));
}
