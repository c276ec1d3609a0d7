using Platform.Regional.Api.Problems;
using Platform.Regional.Hosting;
using Platform.Regional.Replicas;
using Platform.Regional.StateMachine;

namespace Platform.Regional.Routing;

/// <summary>
/// Finds a group's leader for the node's API: proposals go to the local replica and, when it does
/// not lead, are forwarded to the leader's replica grain on its node; linearizable reads get their
/// read point from the leader and wait until the local replica has applied it. Clients never need
/// to know which node leads. Time (deadlines, pauses) comes from <paramref name="time"/>, and the
/// other nodes' replicas are reached through <paramref name="peers"/>, so a simulation runs it as is.
/// </summary>
public sealed class GroupRouter(ILocalReplicas replicas, IReplicaPeers peers, NodeOptions node, TimeProvider time, Chaos.ChaosState? chaos = null, IGlobalGroups? global = null)
{
    /// <summary>The strong-global groups, when this node is linked to other regions.</summary>
    public IGlobalGroups? Global => global;

    /// <summary>Pause before asking again while a group elects a leader.</summary>
    private static readonly TimeSpan ElectionPause = TimeSpan.FromMilliseconds(50);

    public NodeOptions Node => node;

    /// <summary>The node's clock (simulated time under the deterministic simulations).</summary>
    public TimeProvider Time => time;

    public ReplicaCore Local(ulong group) =>
        global is not null && global.Owns(group)
            ? global.Local(group) ?? throw new NodeNotReadyException("this node's strong-global replicas are still starting")
            : replicas.Get(group);

    /// <summary>
    /// Commits a command in its group and returns once the leader applied it. Refusals before the
    /// entry was accepted are retried until <see cref="NodeOptions.RequestTimeout"/>; a proposal
    /// whose fate is unknown (the leader went silent after accepting it) is answered
    /// <c>OutcomeUnknown</c>, never retried here.
    /// </summary>
    public async Task<ProposeReply> ProposeAsync(ulong group, GroupCommand command, CancellationToken cancellationToken)
    {
        var bytes = GroupCommandCodec.Encode(command);
        if (global is not null && global.Owns(group))
        {
            return await global.ProposeAsync(group, bytes, cancellationToken);
        }

        var started = time.GetTimestamp();
        string? target = null;
        string lastProblem = "no leader is known";
        while (time.GetElapsedTime(started) < node.RequestTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var left = node.RequestTimeout - time.GetElapsedTime(started);
            ProposeReply reply;
            try
            {
                reply = target is null || target == node.NodeName
                    ? await TimedWait.WaitAsync(Local(group).ProposeAsync(bytes), left, time, cancellationToken)
                    : await ForwardAsync(group, target, bytes, left, cancellationToken);
            }
            catch (TimeoutException)
            {
                throw ApiProblemException.OutcomeUnknown($"group {group} accepted the write but did not apply it within {node.RequestTimeout.TotalSeconds:0.#} s");
            }
            catch (PeerUnreachableException)
            {
                // The leader's node is gone: the call never reached it, so asking again is safe.
                lastProblem = $"the leader's node {target} is unreachable";
                target = null;
                await Task.Delay(ElectionPause, time, cancellationToken);
                continue;
            }
            catch (PeerOutcomeUnknownException failed)
            {
                // Delivered or not, we cannot tell: the write may have committed.
                throw ApiProblemException.OutcomeUnknown($"forwarding the write to {target} failed: {failed.Message}");
            }

            switch (reply.Status)
            {
                case ProposeStatus.Applied:
                    return reply;
                case ProposeStatus.Unknown:
                    throw ApiProblemException.OutcomeUnknown($"group {group} may have committed the write: {reply.Problem}");
                case ProposeStatus.NotLeader when reply.LeaderNode is not null && reply.LeaderNode != target:
                    target = reply.LeaderNode;
                    continue;
                default:
                    lastProblem = reply.Problem ?? reply.Status.ToString();
                    target = null;
                    await Task.Delay(ElectionPause, time, cancellationToken);
                    break;
            }
        }

        throw ApiProblemException.NoLeader($"group {group} could not take the write within {node.RequestTimeout.TotalSeconds:0.#} s: {lastProblem}");
    }

    /// <summary>
    /// Forwards a proposal to the leader's replica grain. A leader that dies with the call in flight
    /// leaves it hanging until Orleans gives up on the node (seconds later); the local replica sees
    /// the new leader sooner, and then the call is abandoned. Its fate is unknown (the old leader
    /// may have appended the entry, and the new one may commit it), so that is what the client hears.
    /// </summary>
    private async Task<ProposeReply> ForwardAsync(ulong group, string target, byte[] bytes, TimeSpan left, CancellationToken cancellationToken)
    {
        var local = Local(group);
        var termAtSend = local.LeaderAndTerm.Term;
        if (chaos is { Enabled: true } && !chaos.CanReachNode(target))
        {
            throw new PeerUnreachableException($"chaos: {target} is cut off from this node");
        }

        var call = peers.ProposeAsync(group, target, bytes);
        var started = time.GetTimestamp();
        TimeSpan? leaderChangedAt = null;
        while (true)
        {
            var remaining = left - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                Abandon(call);
                throw new TimeoutException();
            }

            if (await TimedWait.CompletesWithinAsync(call, LeaderWatch < remaining ? LeaderWatch : remaining, time, cancellationToken))
            {
                return await call;
            }

            var (leader, term) = local.LeaderAndTerm;
            if (term > termAtSend && leader is not null && leader != target)
            {
                // A leader that handed over (or merely lost) leadership alive answers within moments
                // once the new leader commits; only one that stays silent is given up on.
                leaderChangedAt ??= time.GetElapsedTime(started);
                if (time.GetElapsedTime(started) - leaderChangedAt > SilentLeaderGrace)
                {
                    Abandon(call);
                    throw ApiProblemException.OutcomeUnknown($"group {group}'s leader changed from {target} to {leader} while the write was in flight, and {target} went silent");
                }
            }
        }
    }

    /// <summary>How long a former leader may take to answer a forwarded write after a new leader is known.</summary>
    private static readonly TimeSpan SilentLeaderGrace = TimeSpan.FromMilliseconds(300);

    /// <summary>How often a forwarded call looks whether the local replica has seen a new leader.</summary>
    private static readonly TimeSpan LeaderWatch = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Waits until the local replica reflects every write acknowledged before this call (ReadIndex
    /// at the leader, or its lease), so a read of the local state after it is linearizable.
    /// </summary>
    public async Task LinearizableBarrierAsync(ulong group, CancellationToken cancellationToken)
    {
        if (global is not null && global.Owns(group))
        {
            await global.LinearizableBarrierAsync(group, cancellationToken);
            return;
        }

        var started = time.GetTimestamp();
        var local = Local(group);
        string? target = null;
        while (time.GetElapsedTime(started) < node.RequestTimeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadIndexReply reply;
            try
            {
                reply = target is null || target == node.NodeName
                    ? await local.ReadIndexAsync(node.RequestTimeout - time.GetElapsedTime(started))
                    : await ForwardReadIndexAsync(group, target, node.RequestTimeout - time.GetElapsedTime(started), cancellationToken);
            }
            catch (Exception unreachable) when (unreachable is TimeoutException or PeerUnreachableException or PeerOutcomeUnknownException)
            {
                // A read point asked again costs nothing, whether or not the first question arrived.
                target = null;
                await Task.Delay(ElectionPause, time, cancellationToken);
                continue;
            }

            if (reply.Status == ReadIndexStatus.Ready)
            {
                if (await local.WaitAppliedAsync(reply.Index, node.RequestTimeout - time.GetElapsedTime(started), cancellationToken))
                {
                    return;
                }

                throw ApiProblemException.NotCaughtUp($"this node has not applied index {reply.Index} of group {group} in time");
            }

            if (reply.Status == ReadIndexStatus.NotLeader && reply.LeaderNode is not null && reply.LeaderNode != target)
            {
                target = reply.LeaderNode;
                continue;
            }

            target = null;
            await Task.Delay(ElectionPause, time, cancellationToken);
        }

        throw ApiProblemException.NoLeader($"group {group} could not confirm a leader within {node.RequestTimeout.TotalSeconds:0.#} s");
    }

    /// <summary>Asks the leader for a read point; a leader change seen locally meanwhile makes it ask the new one (reads are safe to retry).</summary>
    private async Task<ReadIndexReply> ForwardReadIndexAsync(ulong group, string target, TimeSpan left, CancellationToken cancellationToken)
    {
        var local = Local(group);
        var termAtSend = local.LeaderAndTerm.Term;
        if (chaos is { Enabled: true } && !chaos.CanReachNode(target))
        {
            throw new PeerUnreachableException($"chaos: {target} is cut off from this node");
        }

        var call = peers.ReadIndexAsync(group, target);
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < left)
        {
            if (await TimedWait.CompletesWithinAsync(call, LeaderWatch, time, cancellationToken))
            {
                return await call;
            }

            var (leader, term) = local.LeaderAndTerm;
            if (term > termAtSend && leader is not null && leader != target)
            {
                Abandon(call);
                return new ReadIndexReply(ReadIndexStatus.NotLeader, 0, leader);
            }
        }

        Abandon(call);
        throw new TimeoutException();
    }

    /// <summary>Leaves a call to finish on its own; its failure, if any, is observed and dropped.</summary>
    private static void Abandon(Task call) =>
        _ = call.ContinueWith(static finished => _ = finished.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
