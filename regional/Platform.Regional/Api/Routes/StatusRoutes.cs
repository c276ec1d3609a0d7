using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Regional.Api.Requests;
using Platform.Regional.Namespaces;

namespace Platform.Regional.Api.Routes;

/// <summary><c>GET /v1/status</c> in the contract's shape.</summary>
public static class StatusRoutes
{
    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/v1/status", GetAsync);

    private static async Task<IResult> GetAsync(HttpContext context, IMediator mediator)
    {
        var status = await mediator.Send(new GetStatus(Authentication.CallerOf(context)), context.RequestAborted);
        return Results.Json(View(status));
    }

    /// <summary>The status answer's JSON shape (also what the dashboard's live stream sends).</summary>
    public static object View(NodeStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new
        {
            region = status.Region,
            node = status.Node,
            groups = status.Groups.Select(g => new
            {
                id = g.Group,
                leader = g.Status.LeaderNode,
                term = g.Status.Term,
                commitIndex = g.Status.CommitIndex,
                appliedIndex = g.Status.AppliedIndex,
                members = g.Status.Members.Select(m => new { node = m.Node, id = m.Replica, role = m.Role, match = m.Match }),
            }),
            namespaces = status.Namespaces.Select(n => new
            {
                name = n.Name,
                group = n.Group,
                mode = NamespaceText.Mode(n.Settings.Mode),
                homeRegion = n.Settings.HomeRegion,
                epoch = n.Epoch,
                revision = n.Revision,

                // At the home of a local-commit namespace: every other region's copy and its lag.
                copies = n.Regions.Select(r => new { region = r.Region, appliedRevision = r.AppliedRevision, lagRevisions = r.LagRevisions, lagSeconds = Math.Round(r.LagSeconds, 3), rpoBreached = r.RpoBreached }),
            }),
            regions = status.Regions.Select(r => new { name = r.Name, reachable = r.Reachable, rttMs = Math.Round(r.RoundTripMs, 2) }),
        };
    }
}
