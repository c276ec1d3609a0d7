using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Global.Transport;
using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Routes;
using Platform.Regional.Hosting;

namespace Platform.Global.Drills;

/// <summary>
/// <c>POST /v1/drills</c> (admin of every namespace) starts a drill and answers 202 <c>{id}</c>;
/// <c>GET /v1/drills/{id}</c> and <c>GET /v1/drills</c> show reports (JSON, or the self-contained
/// HTML page with <c>Accept: text/html</c> or <c>?format=html</c>). A switchover runs in the region it
/// moves namespaces away from and a region loss outside the region it takes away: a request that
/// reaches another region's node is forwarded there.
/// </summary>
public static class DrillRoutes
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder app)
    {
        var drills = app.MapGroup("/v1/drills");
        drills.MapPost("", StartAsync);
        drills.MapGet("", async (HttpContext context, DrillRunner runner) =>
        {
            RequireAdmin(context);
            var reports = await runner.ListAsync(context.RequestAborted);
            return WantsHtml(context) ? Results.Content(DrillPage.Render(reports), "text/html; charset=utf-8") : Results.Json(reports, DrillReportView.Json);
        });
        drills.MapGet("/{id}", async (HttpContext context, string id, DrillRunner runner) =>
        {
            RequireAdmin(context);
            var report = await runner.FindAsync(id, context.RequestAborted) ?? throw ApiProblemException.NotFound($"no drill '{id}'");
            return WantsHtml(context) ? Results.Content(DrillPage.Render([report]), "text/html; charset=utf-8") : Results.Json(report, DrillReportView.Json);
        });
    }

    private static async Task StartAsync(HttpContext context)
    {
        RequireAdmin(context);
        var services = context.RequestServices;
        var bytes = await HttpInput.ReadBodyAsync(context.Request, HttpInput.MaxJsonBody, ApiProblemException.RequestTooLarge, context.RequestAborted);
        DrillRequest request;
        try
        {
            request = JsonSerializer.Deserialize<DrillRequest>(bytes, Web) ?? throw ApiProblemException.InvalidRequest("the body is JSON null");
        }
        catch (JsonException malformed)
        {
            throw ApiProblemException.InvalidRequest($"send {{kind, region, target?, namespaces?}}: {malformed.Message}");
        }

        if (string.IsNullOrEmpty(request.Kind) || string.IsNullOrEmpty(request.Region))
        {
            throw ApiProblemException.InvalidRequest("a drill needs a kind (switchover or region-loss) and a region");
        }

        var options = services.GetRequiredService<InterRegionOptions>();
        if (RunsIn(request, options, services.GetRequiredService<IRegionView>()) is { } elsewhere
            && ForwardedMark.From(context) is null)
        {
            await services.GetRequiredService<IRegionForwarder>().ForwardAsync(context, elsewhere, bytes);
            return;
        }

        var token = context.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        var id = await services.GetRequiredService<DrillRunner>().StartAsync(request, token, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.Headers.Location = $"/v1/drills/{id}";
        await context.Response.WriteAsJsonAsync(new { id }, Web, context.RequestAborted);
    }

    /// <summary>The region the drill must run in when it is not this one, else null.</summary>
    private static string? RunsIn(DrillRequest request, InterRegionOptions options, IRegionView regions)
    {
        if (request.Kind == DrillRequest.Switchover)
        {
            return request.Region != options.Region && regions.Regions.Any(r => r.Name == request.Region) ? request.Region : null;
        }

        if (request.Kind == DrillRequest.RegionLoss && request.Region == options.Region)
        {
            // Anywhere but the region taken away: the target if named, else the first reachable other region.
            return request.Target is { } target && target != options.Region
                ? target
                : regions.Regions.FirstOrDefault(r => r.Name != options.Region && r.Reachable)?.Name
                  ?? throw ApiProblemException.InvalidRequest($"no other region is reachable from {options.Region} to run the loss of {options.Region} from");
        }

        return null;
    }

    private static bool WantsHtml(HttpContext context) =>
        context.Request.Query["format"] == "html" || context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal);

    private static void RequireAdmin(HttpContext context)
    {
        var caller = Authentication.CallerOf(context);
        if (!caller.IsClusterAdmin)
        {
            throw ApiProblemException.Forbidden($"token '{caller.TokenName}' is not an admin of every namespace ('*'): drills move namespaces");
        }
    }
}
