using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Global.Transport;
using Platform.Regional.Chaos;
using Platform.Regional.Namespaces;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;

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

    public static void Map(IEndpointRouteBuilder app) => app.MapPost(Path, ServeRouteAsync);

    private static async Task ServeRouteAsync(HttpContext context, NamespaceCatalog catalog, NamespaceAccess namespaces, InterRegionOptions options)
    {
        var chaos = context.RequestServices.GetService(typeof(ChaosState)) as ChaosState;
        var requester = context.Request.Headers[RequestSignature.FromHeader].ToString().Split('/')[0];
        var refused = await ServeAsync(InterRegionEndpoint.Body(context), requester, catalog, namespaces, options, chaos, async cancellationToken =>
        {
            context.Response.ContentType = "application/octet-stream";
            await context.Response.StartAsync(cancellationToken);
            return context.Response.Body;
        }, context.Abort, context.RequestAborted);
        if (refused is { } status)
        {
            context.Response.StatusCode = (int)status;
        }
    }

    /// <summary>
    /// Serves one feed request from <paramref name="requester"/> (a region): the status to answer
    /// when it is refused before anything streams (400 unreadable, 409 not the home), or null once
    /// the stream, opened by <paramref name="open"/>, has ended; <paramref name="abort"/> cuts the
    /// connection (a partition made after the stream opened).
    /// </summary>
    public static async Task<HttpStatusCode?> ServeAsync(
        byte[] body, string requester, NamespaceCatalog catalog, NamespaceAccess namespaces, InterRegionOptions options, ChaosState? chaos,
        Func<CancellationToken, Task<Stream>> open, Action abort, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(namespaces);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(abort);
        FeedRequest request;
        try
        {
            request = FeedRequest.Decode(body);
        }
        catch (Exception bad) when (bad is EndOfStreamException or IOException)
        {
            return HttpStatusCode.BadRequest;
        }

        var entry = await catalog.FindAsync(request.Namespace, cancellationToken);
        if (entry is null || entry.Mode != NamespaceMode.LocalCommit || entry.HomeRegion != options.Region)
        {
            // Not (or no longer) the home: the copy looks the namespace up again.
            return HttpStatusCode.Conflict;
        }

        var replica = namespaces.Replica(request.Namespace);
        var time = namespaces.Time;
        var stream = await open(cancellationToken);
        var after = request.LastRevision;
        if (entry.ForkBelow(request.LastRevision) is { } fork)
        {
            await new FeedFrame(FeedFrameKind.Fork, request.LastRevision, fork, []).WriteAsync(stream, cancellationToken);
            return null;
        }

        var lastSent = time.Monotonic();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (chaos is { Enabled: true } && !chaos.CanReachRegion(requester))
            {
                // A partition made after the stream opened cuts it as well.
                abort();
                return null;
            }

            var applied = replica.NextApply;
            var frame = replica.Read(m => FeedSource.NextFrame(m, request.Namespace, after));
            if (frame is null)
            {
                return null;
            }

            if (frame.Kind != FeedFrameKind.Heartbeat)
            {
                await frame.WriteAsync(stream, cancellationToken);
                after = frame.Revision;
                lastSent = time.Monotonic();
                if (frame.Kind == FeedFrameKind.Changes && frame.Revision < frame.Head)
                {
                    continue;
                }
            }
            else if (time.Monotonic() - lastSent >= HeartbeatEvery)
            {
                await frame.WriteAsync(stream, cancellationToken);
                lastSent = time.Monotonic();
                if (catalog.Find(request.Namespace) is not { } now || now.HomeRegion != options.Region || now.Epoch != entry.Epoch)
                {
                    return null;
                }
            }

            // Applied, or idle for a heartbeat's time: the loop looks again.
            await TimedWait.CompletesWithinAsync(applied, HeartbeatEvery, time, cancellationToken);
        }

        return null;
    }
}
