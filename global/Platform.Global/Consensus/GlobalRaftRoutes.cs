using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Global.Transport;

namespace Platform.Global.Consensus;

/// <summary>The inter-region routes of the strong-global groups: Raft message batches, snapshot chunks, forwarded proposals (accepted, not awaited) and read points, join requests (signed, like every inter-region request).</summary>
public static class GlobalRaftRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(InterRegionEndpoint.Prefix + "/raft/{group}", DeliverAsync);
        app.MapPost(InterRegionEndpoint.Prefix + "/snapshot/{group}", SnapshotAsync);
        app.MapPost(InterRegionEndpoint.Prefix + "/accept/{group}", Accept);
        app.MapPost(InterRegionEndpoint.Prefix + "/readindex/{group}", ReadIndexAsync);
        app.MapPost(InterRegionEndpoint.Prefix + "/join/{group}", Join);
    }

    /// <summary>A wiped node's new incarnation asks to be added (body: its replica id); the leader takes the next step.</summary>
    private static IResult Join(HttpContext context, ulong group, GlobalReplicas replicas)
    {
        var body = InterRegionEndpoint.Body(context);
        if (replicas.Get(group) is not { } replica || body.Length != sizeof(ulong))
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        return Results.Bytes(GlobalRouter.Encode(replica.RequestJoin(BitConverter.ToUInt64(body))), "application/json");
    }

    /// <summary>
    /// A proposal forwarded by another region's node to this replica (the leader, it believed):
    /// answered as soon as the entry is in the log, with its index and term; the proposer's own
    /// replica commits it and reads its outcome.
    /// </summary>
    private static IResult Accept(HttpContext context, ulong group, GlobalReplicas replicas) =>
        replicas.Get(group) is { } replica
            ? Results.Bytes(GlobalRouter.Encode(replica.Accept(InterRegionEndpoint.Body(context))), "application/json")
            : Results.StatusCode(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> ReadIndexAsync(HttpContext context, ulong group, GlobalReplicas replicas)
    {
        if (replicas.Get(group) is not { } replica)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        var reply = await replica.ReadIndexAsync(TimeSpan.FromSeconds(3));
        return Results.Bytes(GlobalRouter.Encode(reply), "application/json");
    }

    private static async Task<IResult> DeliverAsync(HttpContext context, ulong group, GlobalReplicas replicas)
    {
        if (replicas.Get(group) is not { } replica)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        await replica.DeliverAsync(InterRegionEndpoint.Body(context));
        return Results.Accepted();
    }

    private static async Task<IResult> SnapshotAsync(HttpContext context, ulong group, GlobalReplicas replicas)
    {
        if (replicas.Get(group) is not { } replica)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        var staged = await replica.ReceiveSnapshotChunkAsync(SnapshotChunkCodec.Decode(InterRegionEndpoint.Body(context)));
        return Results.Bytes(BitConverter.GetBytes(staged), "application/octet-stream");
    }
}
