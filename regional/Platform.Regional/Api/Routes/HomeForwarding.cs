using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Requests;
using Platform.Regional.Catalog;
using Platform.Regional.Hosting;
using Platform.Regional.Namespaces;
using Platform.Regional.Security;
using Platform.Regional.Routing;

namespace Platform.Regional.Api.Routes;

/// <summary>
/// Sends requests about a <c>local-commit</c> namespace homed in another region to that region
/// (after this node checked the token): writes commit only at the home, and so do linearizable
/// reads (the home's state is the newest). Reads that may be served from this region's copy
/// (serializable ones, <c>minRevision</c> waits, history, watches, digests) stay here once the
/// replicator made the copy, and carry <c>X-Config-Lag-Ms</c>. Creating such a namespace goes to
/// its home as well, so its data is made where it is written. A request that was forwarded once is
/// never forwarded again: a node whose catalog disagrees answers it itself.
/// </summary>
public sealed class HomeForwarding(RequestDelegate next)
{
    /// <summary>Set on a read served from this region's copy of a namespace homed elsewhere: how far behind its home the copy is.</summary>
    public const string LagHeader = "X-Config-Lag-Ms";

    public async Task InvokeAsync(HttpContext context, NodeOptions node, NamespaceCatalog catalog, NamespaceAccess access)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(catalog);
        if (context.RequestServices.GetService<IRegionForwarder>() is not { } forwarder
            || ForwardedMark.From(context) is not null
            || NamespaceOf(context.Request.Path) is not { } ns)
        {
            await next(context);
            return;
        }

        if (IsCatalogRead(context.Request))
        {
            // Kept in the catalog, which every region holds: answered here.
            await next(context);
            return;
        }

        var entry = await catalog.FindAsync(ns, context.RequestAborted);
        if (entry is not null && DivergedRevisions.Find(context.Request, entry) is { } diverged)
        {
            await AnswerDivergedAsync(context, diverged.Revision, diverged.Fork);
            return;
        }

        if (entry is not null && entry.HomedElsewhere(node.Region) && CopyReads.Allowed(context.Request) && access.HasCopy(entry))
        {
            var guard = context.RequestServices.GetService<IReplicationGuard>();
            context.Response.OnStarting(() =>
            {
                if (guard?.CopyLagMs(ns) is { } lag)
                {
                    context.Response.Headers[LagHeader] = lag.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return Task.CompletedTask;
            });
            await next(context);
            return;
        }

        var home = entry is { Mode: NamespaceMode.LocalCommit } ? HomeElsewhere(entry, node.Region) : await HomeOfPutAsync(context, ns, node.Region);
        if (home is null)
        {
            await next(context);
            return;
        }

        var body = await HttpInput.ReadBodyAsync(context.Request, HttpInput.MaxJsonBody, ApiProblemException.RequestTooLarge, context.RequestAborted);
        if (IsEntryRead(context.Request))
        {
            try
            {
                await forwarder.ForwardAsync(context, home, body);
            }
            catch (ApiProblemException unreachable) when (unreachable.Status == StatusCodes.Status503ServiceUnavailable && !context.Response.HasStarted)
            {
                // The home is out of reach (a region lost, a failover under way): the catalog's own
                // entry still answers here, without the home's view of each region's lag.
                await next(context);
            }

            return;
        }

        await forwarder.ForwardAsync(context, home, body);
    }

    /// <summary><c>GET /v1/namespaces/{ns}</c>: the catalog entry with the home's view of each region's lag.</summary>
    private static bool IsEntryRead(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && (request.Path.Value ?? string.Empty).Split('/') is ["", "v1", "namespaces", _];

    /// <summary>410 Diverged; a watch (SSE) gets a <c>compacted</c> event at the fork point instead, so its client relists.</summary>
    private static async Task AnswerDivergedAsync(HttpContext context, long revision, long fork)
    {
        if (context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal))
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync($"event: compacted\ndata: {{\"compactRevision\":{fork},\"diverged\":true}}\n\n", context.RequestAborted);
            return;
        }

        throw ApiProblemException.Diverged($"revision {revision} lies past the fork point {fork}: it was made by a former home and never reached its successor; read again without it");
    }

    private static string? HomeElsewhere(CatalogEntry entry, string region) => entry.HomedElsewhere(region) ? entry.HomeRegion : null;

    /// <summary>A read of state the catalog keeps (the divergent-writes archive).</summary>
    private static bool IsCatalogRead(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && (request.Path.Value ?? string.Empty).Split('/') is ["", "v1", "ns", _, "divergent"];

    /// <summary>The namespace a route is about: <c>/v1/ns/{ns}/...</c> or <c>/v1/namespaces/{ns}</c>.</summary>
    private static string? NamespaceOf(PathString path)
    {
        var segments = (path.Value ?? string.Empty).Split('/', 5, StringSplitOptions.None);
        return segments is ["", "v1", "ns" or "namespaces", var ns, ..] && NamespaceNames.IsValid(ns) ? ns : null;
    }

    /// <summary>
    /// For <c>PUT /v1/namespaces/{ns}</c> of a namespace the catalog does not hold, or holds as
    /// <c>strong-global</c> (a change to <c>local-commit</c> runs at the new home): the home the body
    /// names when that is another region; a body that does not parse is left to the handler to refuse.
    /// </summary>
    private static async Task<string?> HomeOfPutAsync(HttpContext context, string ns, string region)
    {
        var request = context.Request;
        if (!HttpMethods.IsPut(request.Method) || !request.Path.StartsWithSegments($"/v1/namespaces/{ns}", StringComparison.Ordinal))
        {
            return null;
        }

        request.EnableBuffering(HttpInput.MaxJsonBody);
        NamespaceBody? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<NamespaceBody>(request.Body, JsonSerializerOptions.Web, context.RequestAborted);
        }
        catch (JsonException)
        {
            body = null;
        }
        finally
        {
            request.Body.Position = 0;
        }

        return body is { HomeRegion: { Length: > 0 } home } && NamespaceText.ParseMode(body.Mode) == NamespaceMode.LocalCommit && home != region
            && context.RequestServices.GetRequiredService<IRegionView>().Regions.Any(r => r.Name == home)
            ? home
            : null;
    }
}
