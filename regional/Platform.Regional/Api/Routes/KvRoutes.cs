using System.Globalization;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Requests;
using Platform.Regional.Hosting;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Routes;

/// <summary>The key-value routes of one namespace (docs/api.md, Keys and values): values, listings, transactions, history, compaction, digests.</summary>
public static class KvRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var ns = app.MapGroup("/v1/ns/{ns}");
        ns.MapPut("/kv/{**key}", PutAsync);
        ns.MapGet("/kv/{**key}", GetAsync);
        ns.MapDelete("/kv/{**key}", DeleteAsync);
        ns.MapGet("/kv", ListAsync);
        ns.MapPost("/txn", TxnAsync);
        ns.MapGet("/history/{**key}", HistoryAsync);
        ns.MapPost("/compact", CompactAsync);
        ns.MapGet("/digest", DigestAsync);
        ns.MapGet("/divergent", DivergentAsync);
    }

    private static async Task<IResult> PutAsync(HttpContext context, string ns, string key, IMediator mediator, MvccLimits limits)
    {
        var request = context.Request;
        var conditions = HttpInput.Conditions(request);
        var value = await HttpInput.ReadBodyAsync(request, limits.MaxValueBytes, ApiProblemException.ValueTooLarge, context.RequestAborted);
        var contentType = string.IsNullOrEmpty(request.ContentType) ? "application/octet-stream" : request.ContentType;
        var written = await mediator.Send(new PutKey(Authentication.CallerOf(context), ns, key, value, contentType, conditions), context.RequestAborted);
        context.Response.Headers.ETag = Quoted(written.ModRevision);
        MarkReplay(context, written.Replayed);
        return Results.Json(new
        {
            @namespace = written.Namespace,
            key = written.Key,
            revision = written.Revision,
            createRevision = written.CreateRevision,
            modRevision = written.ModRevision,
            version = written.Version,
            region = written.Region,
            epoch = written.Epoch,
        });
    }

    private static async Task<IResult> GetAsync(HttpContext context, string ns, string key, IMediator mediator, NodeOptions node)
    {
        var query = context.Request.Query;
        var read = await mediator.Send(new GetKey(
            Authentication.CallerOf(context), ns, key,
            HttpInput.ParseConsistency(query["consistency"]),
            HttpInput.ParseRevision(query["revision"], "revision"),
            HttpInput.ParseRevision(query["minRevision"], "minRevision"),
            HttpInput.ParseWait(query["timeout"], TimeSpan.FromSeconds(5), node.RequestTimeout * 6)) { CopyServes = CopyReads.Allowed(context.Request) }, context.RequestAborted);
        ReadHeaders(context, node, read.Revision);
        if (read.Value is not { } value)
        {
            throw ApiProblemException.KeyNotFound(ns, key);
        }

        context.Response.Headers.ETag = Quoted(value.ModRevision);
        return query["format"] == "json"
            ? Results.Json(Envelopes.Key(value, read.Revision))
            : Results.Bytes(value.Value, value.ContentType);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string ns, string key, IMediator mediator)
    {
        var deleted = await mediator.Send(new DeleteKey(Authentication.CallerOf(context), ns, key, HttpInput.Conditions(context.Request)), context.RequestAborted);
        return Results.Json(new { revision = deleted.Revision, deleted = deleted.Deleted });
    }

    private static async Task<IResult> ListAsync(HttpContext context, string ns, IMediator mediator, NodeOptions node)
    {
        var query = context.Request.Query;
        var page = await mediator.Send(new ListKeys(
            Authentication.CallerOf(context), ns, query["prefix"].ToString(), HttpInput.ParseLimit(query["limit"], 100),
            string.IsNullOrEmpty(query["pageToken"]) ? null : query["pageToken"].ToString(),
            HttpInput.ParseConsistency(query["consistency"])) { CopyServes = CopyReads.Allowed(context.Request) }, context.RequestAborted);
        ReadHeaders(context, node, page.Revision);
        return Results.Json(new { revision = page.Revision, items = page.Items.Select(i => Envelopes.Key(i, page.Revision)), nextPageToken = page.NextPageToken });
    }

    private static async Task<IResult> TxnAsync(HttpContext context, string ns, IMediator mediator)
    {
        var body = await HttpInput.ReadJsonAsync<TxnBody>(context.Request, context.RequestAborted);
        var idempotency = HttpInput.Conditions(context.Request).IdempotencyKey;
        var done = await mediator.Send(new RunTxn(Authentication.CallerOf(context), ns, body, idempotency), context.RequestAborted);
        MarkReplay(context, done.Replayed);
        return Results.Json(new
        {
            succeeded = done.Succeeded,
            revision = done.Revision,
            results = done.Executed.Select(o => o.IsDelete
                ? (object)new { delete = new { key = o.Key } }
                : new { put = new { key = o.Key, revision = done.Revision } }),
        });
    }

    private static async Task<IResult> HistoryAsync(HttpContext context, string ns, string key, IMediator mediator, NodeOptions node)
    {
        var history = await mediator.Send(new GetHistory(Authentication.CallerOf(context), ns, key, HttpInput.ParseLimit(context.Request.Query["limit"], 100)), context.RequestAborted);
        ReadHeaders(context, node, history.Revision);
        return Results.Json(new { key, revision = history.Revision, items = history.Items.Select(Envelopes.Change) });
    }

    private static async Task<IResult> CompactAsync(HttpContext context, string ns, IMediator mediator)
    {
        var body = await HttpInput.ReadJsonAsync<CompactBody>(context.Request, context.RequestAborted);
        var done = await mediator.Send(new CompactNamespace(Authentication.CallerOf(context), ns, body.Revision ?? 0), context.RequestAborted);
        return Results.Json(new { revision = done.Revision, compactRevision = done.CompactRevision });
    }

    private static async Task<IResult> DigestAsync(HttpContext context, string ns, IMediator mediator, NodeOptions node)
    {
        var digest = await mediator.Send(new GetDigest(Authentication.CallerOf(context), ns, HttpInput.ParseRevision(context.Request.Query["revision"], "revision")), context.RequestAborted);
        ReadHeaders(context, node, digest.Revision);
        return Results.Json(new { @namespace = digest.Namespace, revision = digest.Revision, epoch = digest.Epoch, digest = digest.Digest.ToString("x16", CultureInfo.InvariantCulture) });
    }

    private static async Task<IResult> DivergentAsync(HttpContext context, string ns, IMediator mediator)
    {
        var archive = await mediator.Send(new GetDivergent(Authentication.CallerOf(context), ns), context.RequestAborted);
        return Results.Json(new
        {
            @namespace = archive.Namespace,
            items = archive.Items.Select(w => new
            {
                key = w.Key,
                value = Convert.ToBase64String(w.Value.Span),
                contentType = w.ContentType,
                deleted = w.Deleted,
                revision = w.Revision,
                epoch = w.Epoch,
                committedAt = DateTimeOffset.FromUnixTimeMilliseconds(w.CommittedAtMs),
                acknowledged = w.Acknowledged,
            }),
        });
    }

    /// <summary>What every read answer carries (docs/api.md, Headers): the revision it reflects and the answering region.</summary>
    public static void ReadHeaders(HttpContext context, NodeOptions node, long revision)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(node);
        context.Response.Headers["X-Config-Revision"] = revision.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-Config-Region"] = node.Region;
    }

    private static void MarkReplay(HttpContext context, bool replayed)
    {
        if (replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }
    }

    private static string Quoted(long revision) => "\"" + revision.ToString(CultureInfo.InvariantCulture) + "\"";

    private sealed record CompactBody(long? Revision);
}
