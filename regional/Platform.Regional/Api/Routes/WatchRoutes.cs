using System.Globalization;
using System.Text;
using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Regional.Api.Requests;
using Platform.Regional.Hosting;
using Platform.Regional.Observability;
using Platform.Regional.Replicas;
using Platform.Regional.Security;
using Platform.Regional.Routing;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Routes;

/// <summary>
/// <c>GET /v1/ns/{ns}/watch</c>: Server-Sent Events (resumable by <c>Last-Event-ID</c>) or a JSON
/// long poll. Events come from the namespace's MVCC change log on this node's replica, never
/// from the Raft log; a watcher waits on the replica's apply signal, not on a timer.
/// </summary>
public static class WatchRoutes
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LongPollDefault = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongPollMax = TimeSpan.FromSeconds(60);

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/v1/ns/{ns}/watch", WatchAsync);

    private static async Task WatchAsync(HttpContext context, string ns, IMediator mediator, NamespaceAccess namespaces, NamespaceCatalog catalog, NodeOptions node, RegionalMetrics metrics, TokenDirectory tokens, StreamLimits limits)
    {
        var request = context.Request;
        var query = request.Query;
        var since = HttpInput.ParseRevision(request.Headers["Last-Event-ID"].FirstOrDefault() is { Length: > 0 } resume ? resume : query["since"], "since");
        var prefix = query["prefix"].ToString();
        var start = await mediator.Send(new OpenWatch(Authentication.CallerOf(context), ns, prefix, since), context.RequestAborted);
        var replica = namespaces.Replica(ns);
        var cancel = context.RequestAborted;
        var grant = new StreamGrant(tokens, Authentication.TokenOf(context), caller => caller.Holds(ns, Role.Reader));
        var tokenName = Authentication.CallerOf(context).TokenName;
        using var slot = limits.TryOpen(tokenName, Authentication.AddressOf(context), StreamLimits.Kind.Watch, out var refusal)
            ?? throw Problems.ApiProblemException.Overloaded($"{refusal}; close one, or watch through the edge");
        if (request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            metrics.Watchers.Add(1);
            try
            {
                await StreamAsync(context, ns, prefix, start.After, replica, catalog, node, grant, cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                // The watcher went away.
            }
            finally
            {
                metrics.Watchers.Add(-1);
            }

            return;
        }

        await LongPollAsync(context, ns, prefix, start.After, replica, catalog, node, grant, HttpInput.ParseWait(query["wait"], LongPollDefault, LongPollMax), namespaces.Time, cancel);
    }

    private static async Task StreamAsync(HttpContext context, string ns, string prefix, long after, ReplicaCore replica, NamespaceCatalog catalog, NodeOptions node, StreamGrant grant, CancellationToken cancel)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Config-Region"] = node.Region;

        // The revision the stream starts after: a cache fed by this stream (the edge proxy) knows
        // from which revision on it sees every change, before the first event arrives.
        response.Headers["X-Config-Revision"] = after.ToString(CultureInfo.InvariantCulture);
        await response.Body.FlushAsync(cancel);
        var cursor = after;
        var nextProgress = DateTime.UtcNow + Jittered(ProgressEvery);
        while (!cancel.IsCancellationRequested)
        {
            var applied = replica.NextApply;
            var batch = WatchPoll.Next(replica, ns, prefix, cursor);
            if ((WatchPoll.ForkBelow(catalog, ns, cursor) ?? batch.DivergedBelow) is { } fork)
            {
                // The stream ran past a fork: this region's copy was a lost home whose last writes
                // did not survive a failover. Its changes stop without a delete for what vanished,
                // so the watcher must relist (docs/replication.md, "Revisions past a fork"). The
                // catalog tells once this node's replica of it learned the fork; the data tells as
                // soon as the group applied the truncation, which may come first.
                await WriteEventAsync(response, null, "compacted", JsonSerializer.Serialize(new { compactRevision = fork + 1, diverged = true }), cancel);
                return;
            }

            if (batch.Gone)
            {
                return;
            }

            if (batch.CompactedAt is { } compacted)
            {
                await WriteEventAsync(response, null, "compacted", JsonSerializer.Serialize(new { compactRevision = compacted }), cancel);
                return;
            }

            if (batch.Events.Count > 0 && !grant.HoldsLocally())
            {
                // Revoked (or no longer covering the namespace) since the stream opened: it ends,
                // and nothing written since reaches it.
                return;
            }

            foreach (var change in batch.Events)
            {
                await WriteEventAsync(response, change.Revision, change.Kind == ChangeKind.Put ? "put" : "delete", JsonSerializer.Serialize(Envelopes.Change(change)), cancel);
                cursor = change.Revision;
            }

            // Unless more are waiting, every change up to the batch's revision was sent or did not match the prefix.
            cursor = batch.More ? cursor : Math.Max(cursor, batch.Revision);
            if (batch.Events.Count > 0)
            {
                await response.Body.FlushAsync(cancel);
                if (batch.More)
                {
                    continue;
                }
            }

            var untilProgress = nextProgress - DateTime.UtcNow;
            if (untilProgress <= TimeSpan.Zero)
            {
                if (!await grant.StillHoldsAsync(cancel))
                {
                    return;
                }

                await WriteEventAsync(response, cursor, "progress", JsonSerializer.Serialize(new { revision = cursor }), cancel);
                await response.Body.FlushAsync(cancel);
                nextProgress = DateTime.UtcNow + Jittered(ProgressEvery);
                continue;
            }

            await WaitAsync(applied, untilProgress, cancel);
        }
    }

    /// <summary>Waits for the next apply or the time to run out, without leaving a timer behind when the apply wins.</summary>
    private static async Task WaitAsync(Task applied, TimeSpan most, CancellationToken cancel)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var delay = Task.Delay(most, timer.Token);
        await Task.WhenAny(applied, delay);
        await timer.CancelAsync();
        cancel.ThrowIfCancellationRequested();
    }

    private static async Task LongPollAsync(HttpContext context, string ns, string prefix, long after, ReplicaCore replica, NamespaceCatalog catalog, NodeOptions node, StreamGrant grant, TimeSpan wait, TimeProvider time, CancellationToken cancel)
    {
        var answer = await WatchPoll.PollAsync(replica, catalog, ns, prefix, after, grant.HoldsLocally, wait, time, cancel);
        KvRoutes.ReadHeaders(context, node, answer.Covered);
        await Results.Json(answer.Events.Select(Envelopes.Change)).ExecuteAsync(context);
    }

    private static async Task WriteEventAsync(HttpResponse response, long? id, string kind, string data, CancellationToken cancel)
    {
        var text = new StringBuilder();
        if (id is { } revision)
        {
            text.Append("id: ").Append(revision.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("event: ").Append(kind).Append('\n').Append("data: ").Append(data).Append("\n\n");
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancel);
    }

    /// <summary>Spreads progress events between 80% and 100% of the period, so thousands of watchers do not tick together.</summary>
    private static TimeSpan Jittered(TimeSpan period) => period * (0.8 + (0.2 * Random.Shared.NextDouble()));
}
