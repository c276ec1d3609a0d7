using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Regional.Api.Requests;
using Platform.Regional.Hosting;
using Platform.Regional.Namespaces;

namespace Platform.Regional.Api.Routes;

/// <summary>The namespace catalog routes (docs/api.md, Namespaces), answered from the catalog.</summary>
public static class NamespaceRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPut("/v1/namespaces/{ns}", PutAsync);
        app.MapGet("/v1/namespaces/{ns}", GetAsync);
        app.MapDelete("/v1/namespaces/{ns}", DeleteAsync);
        app.MapGet("/v1/namespaces", ListAsync);
    }

    private static async Task<IResult> PutAsync(HttpContext context, string ns, IMediator mediator, NodeOptions node)
    {
        var body = await HttpInput.ReadJsonAsync<NamespaceBody>(context.Request, context.RequestAborted);
        var view = await mediator.Send(new PutNamespace(Authentication.CallerOf(context), ns, body), context.RequestAborted);
        return Results.Json(Shape(view, node), statusCode: view.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string ns, IMediator mediator, NodeOptions node)
    {
        var view = await mediator.Send(new GetNamespace(Authentication.CallerOf(context), ns), context.RequestAborted);
        return Results.Json(Shape(view, node));
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string ns, IMediator mediator, NodeOptions node)
    {
        var view = await mediator.Send(new DeleteNamespace(Authentication.CallerOf(context), ns), context.RequestAborted);
        return Results.Json(new { name = view.Name, deleted = true, group = view.Group });
    }

    private static async Task<IResult> ListAsync(HttpContext context, IMediator mediator, NodeOptions node)
    {
        var views = await mediator.Send(new ListNamespaces(Authentication.CallerOf(context)), context.RequestAborted);
        return Results.Json(new { namespaces = views.Select(v => Shape(v, node)) });
    }

    /// <summary>
    /// A namespace as <c>GET /v1/namespaces/{ns}</c> shows it: the answering region's own row (no lag
    /// by construction where it is the home), then, at the home of a <c>local-commit</c> namespace,
    /// every other region's copy as the replication guard reports it.
    /// </summary>
    public static object Shape(NamespaceView view, NodeOptions node)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(node);
        var settings = view.Settings;
        return new
        {
            name = view.Name,
            mode = NamespaceText.Mode(settings.Mode),
            epoch = view.Epoch,
            homeRegion = settings.HomeRegion,
            group = view.Group,
            rpo = NamespaceText.Duration(settings.Rpo),
            rpoPolicy = NamespaceText.Policy(settings.RpoPolicy),
            autoFailover = settings.AutoFailover,
            revision = view.Revision,
            compactRevision = view.CompactRevision,
            keys = view.Keys,
            regions = new[] { new { region = node.Region, appliedRevision = view.Revision, lagRevisions = 0L, lagSeconds = 0.0, rpoBreached = false } }
                .Concat(view.Regions.Select(r => new { region = r.Region, appliedRevision = r.AppliedRevision, lagRevisions = r.LagRevisions, lagSeconds = Math.Round(r.LagSeconds, 3), rpoBreached = r.RpoBreached })),
        };
    }
}
