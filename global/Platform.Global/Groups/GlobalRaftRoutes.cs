using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Global.Transport;

namespace Platform.Global.Groups;

/// <summary>The inter-region routes of the strong-global groups: Raft message batches, snapshot chunks, forwarded proposals (accepted, not awaited) and read points, join requests (signed, like every inter-region request).</summary>
public static class GlobalRaftRoutes
{
    /// <summary>The routes' last segment before the group id.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["raft", "snapshot", "accept", "readindex", "join"];

    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (var kind in Kinds)
        {
            app.MapPost(InterRegionEndpoint.Prefix + "/" + kind + "/{group}", (HttpContext context, ulong group, GlobalReplicas replicas) =>
                HandleAsync(replicas, kind, group, InterRegionEndpoint.Body(context)));
        }
    }

    /// <summary>Serves one request of <paramref name="kind"/> for <paramref name="group"/>: 503 while this node's replica is not there.</summary>
    public static async Task<InterRegionAnswer> HandleAsync(GlobalReplicas replicas, string kind, ulong group, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        ArgumentNullException.ThrowIfNull(body);
        if (replicas.Get(group) is not { } replica)
        {
            return InterRegionAnswer.Empty(HttpStatusCode.ServiceUnavailable);
        }

        switch (kind)
        {
            case "raft":
                await replica.DeliverAsync(body);
                return InterRegionAnswer.Empty(HttpStatusCode.Accepted);
            case "snapshot":
                var staged = await replica.ReceiveSnapshotChunkAsync(SnapshotChunkCodec.Decode(body));
                return new InterRegionAnswer(HttpStatusCode.OK, BitConverter.GetBytes(staged));
            case "accept":
                // A proposal forwarded by another region's node to this replica (the leader, it
                // believed): answered as soon as the entry is in the log, with its index and term;
                // the proposer's own replica commits it and reads its outcome.
                return InterRegionAnswer.Json(GlobalRouter.Encode(replica.Accept(body)));
            case "readindex":
                return InterRegionAnswer.Json(GlobalRouter.Encode(await replica.ReadIndexAsync(TimeSpan.FromSeconds(3))));
            case "join":
                // A wiped node's new incarnation asks to be added (body: its replica id); the leader takes the next step.
                return body.Length == sizeof(ulong)
                    ? InterRegionAnswer.Json(GlobalRouter.Encode(replica.RequestJoin(BitConverter.ToUInt64(body))))
                    : InterRegionAnswer.Empty(HttpStatusCode.ServiceUnavailable);
            default:
                return InterRegionAnswer.Empty(HttpStatusCode.NotFound);
        }
    }
}
