using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Global.Transport;
using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;
using Platform.Regional.Service;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

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

    /// <summary>At most this many changes go in one frame; a backlog goes in several.</summary>
    private const int MaxChangesPerFrame = 2048;

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
        if (ForkPoint(entry, request) is { } fork)
        {
            await new FeedFrame(FeedFrameKind.Fork, 0, fork, []).WriteAsync(stream, context.RequestAborted);
            return;
        }

        var lastSent = DateTime.UtcNow;
        while (!context.RequestAborted.IsCancellationRequested)
        {
            var applied = replica.NextApply;
            var frame = replica.Read(m => NextFrame(m, request.Namespace, after));
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

    /// <summary>
    /// The fork point the copy must truncate to first, when the revision it last applied lies in an
    /// epoch that ended (an unplanned failover) before it: Kafka's OffsetsForLeaderEpoch answer.
    /// </summary>
    private static long? ForkPoint(CatalogEntry entry, FeedRequest request)
    {
        var epoch = Revisions.Epoch(request.LastRevision);
        return entry.Epochs.FirstOrDefault(e => e.Epoch == epoch) is { ForkRevision: { } fork } && request.LastRevision > fork ? fork : null;
    }

    /// <summary>
    /// The next frame after <paramref name="after"/>: changes (their Revision is the last they carry,
    /// Head the namespace's revision), a snapshot when they were compacted, a heartbeat when there
    /// are none; null when the namespace is gone from this replica.
    /// </summary>
    private static FeedFrame? NextFrame(GroupStateMachine machine, string ns, long after)
    {
        if (machine.State(ns) is not { IsCopy: false } state)
        {
            return null;
        }

        var store = state.Store;
        if (after < 0 || after < store.CompactRevision - 1)
        {
            // Asked for (a copy found its state diverged), or the changes it lacks were compacted.
            return new FeedFrame(FeedFrameKind.Snapshot, store.Revision, store.Revision, machine.NamespaceSnapshot(ns)!);
        }

        var changes = store.ChangesAfter(after, limit: MaxChangesPerFrame);
        if (changes.Count == 0)
        {
            // Idle: the digest at the head lets the copy check its state against the home's at the same revision.
            var digest = new byte[sizeof(ulong)];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(digest, store.DigestAt());
            return new FeedFrame(FeedFrameKind.Heartbeat, store.Revision, store.CompactRevision, digest);
        }

        // A transaction's changes share a revision: a frame never splits one. A full frame leaves
        // its last revision to the next (a transaction holds far fewer changes than a frame).
        var whole = changes.Count == MaxChangesPerFrame ? changes.Where(c => c.Revision != changes[^1].Revision).ToList() : changes;
        var last = whole[^1].Revision;

        var revisions = whole.GroupBy(c => c.Revision)
            .Select(g => new ReplicatedRevision(g.Key, store.CommittedAt(g.Key), [.. g]))
            .ToList();
        // The idempotency keys remembered with these revisions (and any at the last one sent) go with them.
        var command = new NamespaceCommand(ns, new ReplicateCommand(after, revisions), Outcomes: state.Idempotency.Between(after, last));
        return new FeedFrame(FeedFrameKind.Changes, store.Revision, last, GroupCommandCodec.Encode(command));
    }
}
