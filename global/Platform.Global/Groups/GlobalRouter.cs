using System.Net;
using System.Text.Json;
using Platform.Global.Transport;
using Platform.Regional.Api.Problems;
using Platform.Regional.Replicas;

namespace Platform.Global.Groups;

/// <summary>
/// Finds a strong-global group's leader, which may be in another region: proposals and read points
/// go to this node's replica when it leads, else to the leader's node over the inter-region
/// transport (paying the WAN round trip). A forwarded proposal is only accepted into the leader's
/// log; this node's replica learns the commit from the voters' shared matches and answers with the
/// outcome it applies, so a write costs one round trip from any region, not two. No leader
/// reachable means no majority of regions: answered <c>503 QuorumUnavailable</c>.
/// </summary>
public sealed class GlobalRouter(GlobalReplicas replicas, IInterRegionTransport client, Regional.Hosting.NodeOptions node, TimeProvider time) : IGlobalGroups
{
    private static readonly TimeSpan ElectionPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan SilentLeaderGrace = TimeSpan.FromMilliseconds(300);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ulong StrongGlobalGroup => GlobalGroups.StrongGlobal;

    public ulong CatalogGroup => GlobalGroups.Catalog;

    public bool Owns(ulong group) => GlobalGroups.All.Contains(group);

    public ReplicaCore? Local(ulong group) => replicas.Get(group);

    public async Task<ProposeReply> ProposeAsync(ulong group, byte[] command, CancellationToken cancellationToken)
    {
        var local = Local(group) ?? throw ApiProblemException.NotCaughtUp("this node's strong-global replicas are still starting");
        var started = time.GetTimestamp();
        var lastProblem = "no leader is known";
        while (time.GetElapsedTime(started) < node.RequestTimeout)
        {
            var (leader, term) = local.LeaderAndTerm;
            if (leader is null)
            {
                await Task.Delay(ElectionPause, time, cancellationToken);
                continue;
            }

            ProposeReply reply;
            if (leader == SelfName)
            {
                try
                {
                    reply = await TimedWait.WaitAsync(local.ProposeAsync(command), Remaining(started), time, cancellationToken);
                }
                catch (TimeoutException)
                {
                    throw ApiProblemException.OutcomeUnknown($"strong-global group {group} accepted the write but did not commit it in time (no majority of regions?)");
                }
            }
            else
            {
                var accepted = await ForwardAsync(group, leader, term, command, started, cancellationToken);
                if (accepted is null)
                {
                    lastProblem = $"the leader {leader} is unreachable";
                    await Task.Delay(ElectionPause, time, cancellationToken);
                    continue;
                }

                // The leader only put it in its log; this node's own replica commits it (it hears
                // the voters' durable matches) and reads the outcome when it applies the entry.
                reply = accepted.Status == ProposeStatus.Accepted
                    ? await local.WaitOutcomeAsync(accepted.Index, accepted.Term, Remaining(started), cancellationToken)
                    : accepted;
            }

            switch (reply.Status)
            {
                case ProposeStatus.Applied:
                    return reply;
                case ProposeStatus.Unknown:
                    throw ApiProblemException.OutcomeUnknown($"strong-global group {group} may have committed the write: {reply.Problem}");
                default:
                    lastProblem = reply.Problem ?? reply.Status.ToString();
                    await Task.Delay(ElectionPause, time, cancellationToken);
                    break;
            }
        }

        throw ApiProblemException.QuorumUnavailable($"strong-global group {group} has no leader reachable from {SelfName} within {node.RequestTimeout.TotalSeconds:0.#} s: {lastProblem}");
    }

    /// <summary>
    /// Sends the proposal to the leader's node, which answers once the entry is in its log; null
    /// when it never got there (safe to retry). A leader that stays silent after this node has seen
    /// a newer one is given up: outcome unknown.
    /// </summary>
    private async Task<ProposeReply?> ForwardAsync(ulong group, string leader, long term, byte[] command, long started, CancellationToken cancellationToken)
    {
        var local = Local(group)!;
        var call = client.PostAsync(Peer(leader), GlobalReplicas.Path(group, "accept"), command, cancellationToken);
        TimeSpan? changedAt = null;
        while (true)
        {
            if (await TimedWait.CompletesWithinAsync(call, ElectionPause, time, cancellationToken))
            {
                try
                {
                    var (status, body) = await call;
                    return status == HttpStatusCode.OK ? JsonSerializer.Deserialize<ProposeReply>(body, Json) : null;
                }
                catch (HttpRequestException unsent) when (unsent.HttpRequestError == HttpRequestError.ConnectionError)
                {
                    // Refused connection or a partition: the request did not reach the leader.
                    return null;
                }
                catch (Exception lost) when (lost is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // It may have reached the leader and been accepted: sending it again could commit it twice.
                    throw ApiProblemException.OutcomeUnknown($"the answer of the strong-global leader {leader} was lost: {lost.Message}");
                }
            }

            var (now, nowTerm) = local.LeaderAndTerm;
            if (nowTerm > term && now != leader)
            {
                changedAt ??= time.GetElapsedTime(started);
                if (time.GetElapsedTime(started) - changedAt > SilentLeaderGrace)
                {
                    _ = call.ContinueWith(t => t.Exception, TaskScheduler.Default);
                    throw ApiProblemException.OutcomeUnknown($"strong-global group {group}'s leader changed from {leader} while the write was in flight");
                }
            }

            if (time.GetElapsedTime(started) > node.RequestTimeout)
            {
                _ = call.ContinueWith(t => t.Exception, TaskScheduler.Default);
                throw ApiProblemException.OutcomeUnknown($"the strong-global leader {leader} did not answer in time");
            }
        }
    }

    public async Task LinearizableBarrierAsync(ulong group, CancellationToken cancellationToken)
    {
        var local = Local(group) ?? throw ApiProblemException.NotCaughtUp("this node's strong-global replicas are still starting");
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < node.RequestTimeout)
        {
            var (leader, _) = local.LeaderAndTerm;
            ReadIndexReply? reply = null;
            if (leader == SelfName)
            {
                reply = await local.ReadIndexAsync(Remaining(started));
            }
            else if (leader is not null)
            {
                try
                {
                    var (status, body) = await client.PostAsync(Peer(leader), GlobalReplicas.Path(group, "readindex"), [], cancellationToken);
                    reply = status == HttpStatusCode.OK ? JsonSerializer.Deserialize<ReadIndexReply>(body, Json) : null;
                }
                catch (Exception unreachable) when (unreachable is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    reply = null;
                }
            }

            if (reply is { Status: ReadIndexStatus.Ready })
            {
                if (await local.WaitAppliedAsync(reply.Index, Remaining(started), cancellationToken))
                {
                    return;
                }

                throw ApiProblemException.NotCaughtUp($"this node has not applied index {reply.Index} of strong-global group {group} in time");
            }

            await Task.Delay(ElectionPause, time, cancellationToken);
        }

        throw ApiProblemException.QuorumUnavailable($"strong-global group {group} could not confirm a leader from {SelfName} within {node.RequestTimeout.TotalSeconds:0.#} s");
    }

    private string SelfName => $"{node.Region}/{node.NodeName}";

    private TimeSpan Remaining(long started) => node.RequestTimeout > time.GetElapsedTime(started) ? node.RequestTimeout - time.GetElapsedTime(started) : TimeSpan.Zero;

    private PeerEndpoint Peer(string name) =>
        client.Options.Peers.FirstOrDefault(p => $"{p.Region}/{p.Node}" == name) ?? throw new ArgumentException($"no inter-region address for {name}");

    /// <summary>The JSON of the answers the inter-region propose and read-index routes give.</summary>
    public static byte[] Encode<T>(T answer) => JsonSerializer.SerializeToUtf8Bytes(answer, Json);
}
