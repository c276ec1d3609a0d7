using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Global.Transport;
using Platform.Regional.Namespaces;
using Platform.Regional.Service;

namespace Platform.Global.Replication;

/// <summary>
/// <c>POST /inter/v1/feed</c>: a home streams a <c>local-commit</c> namespace's change feed to a
/// copy in another region, from the (epoch, revision) the copy last applied, in revision order:
/// changes as this node's replica applies them (so only committed ones), a heartbeat when idle
/// (with the digest at the head, for anti-entropy), a snapshot when the copy asks for changes
/// compacted away or asks for one outright, and the fork point when the copy holds
/// revisions of an epoch past where that epoch ended. The stream ends when this region stops
/// being the home, or the copy hangs up.
/// </summary>
public static class FeedRoutes
{
    public const string Path = InterRegionEndpoint.Prefix + "/feed";

    /// <summary>How often an idle feed says it is alive (and how stale a copy's idea of the home's head may get).</summary>
    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromMilliseconds(250);

    public static void Map(IEndpointRouteBuilder app) => app.MapPost(Path, ServeAsync);

    private static async Task ServeAsync(HttpContext context, NamespaceCatalog catalog, NamespaceAccess namespaces, InterRegionOptions options)
    {
        FeedRequest request;
        try
        {
            request = FeedRequest.Decode(InterRegionEndpoint.Body(context));
        }
        catch (Exception bad) when (bad is EndOfStreamException or IOException)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var entry = await catalog.FindAsync(request.Namespace, context.RequestAborted);
        if (entry is null || entry.Mode != NamespaceMode.LocalCommit || entry.HomeRegion != options.Region)
        {
            // Not (or no longer) the home: the copy looks the namespace up again.
            context.Response.StatusCode = StatusCodes.Status409Conflict;
            return;
        }

        var replica = namespaces.Replica(request.Namespace);
        context.Response.ContentType = "application/octet-stream";
        await context.Response.StartAsync(context.RequestAborted);
        var stream = context.Response.Body;
        var after = request.LastRevision;
        if (entry.ForkBelow(request.LastRevision) is { } fork)
        {
            await new FeedFrame(FeedFrameKind.Fork, request.LastRevision, fork, []).WriteAsync(stream, context.RequestAborted);
            return;
        }

        var lastSent = DateTime.UtcNow;
        var chaos = context.RequestServices.GetService(typeof(Platform.Regional.Chaos.ChaosState)) as Platform.Regional.Chaos.ChaosState;
        var requester = context.Request.Headers[RequestSignature.FromHeader].ToString().Split('/')[0];
        while (!context.RequestAborted.IsCancellationRequested)
        {
            if (chaos is { Enabled: true } && !chaos.CanReachRegion(requester))
            {
                // A partition made after the stream opened cuts it as well.
                context.Abort();
                return;
            }

            var applied = replica.NextApply;
            var frame = replica.Read(m => FeedSource.NextFrame(m, request.Namespace, after));
            if (frame is null)
            {
                return;
            }

            if (frame.Kind != FeedFrameKind.Heartbeat)
            {
                await frame.WriteAsync(stream, context.RequestAborted);
                after = frame.Revision;
                lastSent = DateTime.UtcNow;
                if (frame.Kind == FeedFrameKind.Changes && frame.Revision < frame.Head)
                {
                    continue;
                }
            }
            else if (DateTime.UtcNow - lastSent >= HeartbeatEvery)
            {
                await frame.WriteAsync(stream, context.RequestAborted);
                lastSent = DateTime.UtcNow;
                if (catalog.Find(request.Namespace) is not { } now || now.HomeRegion != options.Region || now.Epoch != entry.Epoch)
                {
                    return;
                }
            }

            try
            {
                await applied.WaitAsync(HeartbeatEvery, context.RequestAborted);
            }
            catch (TimeoutException)
            {
                // Idle: the loop sends a heartbeat.
            }
        }
    }
}
