using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Platform.Regional.Placement;

namespace Platform.Regional.Replicas;

/// <summary>
/// The grain face of a group's replica on its node: it hands the replica messages, proposals and
/// questions. The replica itself (<see cref="ReplicaCore"/>) outlives any activation, and its clock
/// and outgoing messages do not depend on one (<see cref="ReplicaTicker"/>, <see cref="NodeReplicas"/>).
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
        return Task.CompletedTask;
    }

    public static string KeyFor(ulong group, string node) => ReplicaKey.For($"g{group}", node);

    private static ulong ParseGroup(string what) =>
        what.StartsWith('g') && ulong.TryParse(what.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var group)
            ? group
            : throw new ArgumentException($"'{what}' does not name a group (g<number>)");

    /// <summary>Steps the messages at once and answers; the persist-send-apply loop they start runs on without holding the caller.</summary>
    public Task Deliver(byte[] messages)
    {
        _ = core.DeliverAsync(messages);
        return Task.CompletedTask;
    }

    public Task<ProposeReply> Propose(byte[] command) => core.ProposeAsync(command);

    public Task<ReadIndexReply> ReadIndex() => core.ReadIndexAsync(ReadIndexTimeout);

    public Task<long> ReceiveSnapshotChunk(Transport.SnapshotChunk chunk) => core.ReceiveSnapshotChunkAsync(chunk);

    public Task<JoinReply> RequestJoin(ulong replica) => Task.FromResult(core.RequestJoin(replica));

    public Task<ReplicaStatus> Status() => Task.FromResult(core.Status());

    public Task<byte[]?> ReadLocal(string ns, string key) => Task.FromResult(core.ReadLocal(ns, key));
}
