using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Routes;
using Platform.Regional.Replicas;

namespace Platform.Regional.Hosting;

/// <summary>Every route of the node: the token-free ones (health, readiness, metrics) and the <c>/v1</c> API.</summary>
public static class NodeRoutes
{
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ProblemMiddleware>();
        app.Use((context, next) =>
        {
            // Before anything reads a header: only this node's own inter-region route may mark a
            // request as forwarded; a client's mark is dropped here.
            context.RequestServices.GetRequiredService<ForwardedMark>().Admit(context);
            return next(context);
        });
        app.Use(async (context, next) =>
        {
            // An isolated node (chaos) answers no client; only the chaos routes stay, to heal it
            // (the clients' and the one a drill in another region uses).
            if (context.RequestServices.GetRequiredService<Chaos.ChaosState>().Isolated
                && !context.Request.Path.StartsWithSegments("/v1/chaos", StringComparison.OrdinalIgnoreCase)
                && !context.Request.Path.StartsWithSegments("/inter/v1/chaos", StringComparison.OrdinalIgnoreCase))
            {
                context.Abort();
                return;
            }

            await next(context);
        });
        app.UseMiddleware<Authentication>();
        app.UseMiddleware<HomeForwarding>();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", ReadyAsync);
        app.MapPrometheusScrapingEndpoint("/metrics");
        KvRoutes.Map(app);
        WatchRoutes.Map(app);
        NamespaceRoutes.Map(app);
        TokenRoutes.Map(app);
        StatusRoutes.Map(app);
        Dashboard.DashboardRoutes.Map(app);
        if (app.Services.GetRequiredService<NodeOptions>().Chaos)
        {
            ChaosRoutes.Map(app);
        }

        app.Map("/v1/{**rest}", (HttpContext context) => throw ApiProblemException.NotFound($"no route {context.Request.Method} {context.Request.Path}"));
    }

    /// <summary>Ready when every group's replica on this node knows a leader; the body lists each group's view.</summary>
    private static IResult ReadyAsync(NodeReplicas replicas, NodeOptions node)
    {
        var groups = new List<object>();
        var ready = replicas.IsReady;
        if (!ready)
        {
            return Results.Json(new { region = node.Region, node = node.NodeName, ready, groups }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        for (ulong group = 0; group < (ulong)node.Groups; group++)
        {
            var status = replicas.Get(group).Status();
            ready &= status.LeaderNode is not null;
            groups.Add(new { id = group, leader = status.LeaderNode, term = status.Term, commitIndex = status.CommitIndex, appliedIndex = status.AppliedIndex, role = status.Role });
        }

        var body = new { region = node.Region, node = node.NodeName, ready, groups };
        return ready ? Results.Json(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
