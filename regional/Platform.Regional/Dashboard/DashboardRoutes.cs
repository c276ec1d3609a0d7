using System.Text;
using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Regional.Api.Requests;
using Platform.Regional.Api.Routes;
using Platform.Regional.Security;

namespace Platform.Regional.Dashboard;

/// <summary>
/// The dashboard: <c>GET /</c> serves one self-contained page (no CDN: styles, script and chart are
/// in it), which asks for a token and then reads the API with it; <c>GET /v1/dashboard/stream</c>
/// sends the node's status (regions, groups with leaders and terms, namespaces with their copies'
/// lag) as Server-Sent Events every second, so the page updates live.
/// </summary>
public static class DashboardRoutes
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(DashboardRoutes).Assembly.GetManifestResourceStream("Platform.Regional.Dashboard.dashboard.html")
            ?? throw new InvalidOperationException("the dashboard page is not embedded in the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", ServePage);
        app.MapGet("/v1/dashboard/stream", StreamAsync);
    }

    private static IResult ServePage(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(Page.Value, "text/html; charset=utf-8");
    }

    private static async Task StreamAsync(HttpContext context, IMediator mediator, TokenDirectory tokens, StreamLimits limits)
    {
        var tokenName = Authentication.CallerOf(context).TokenName;
        using var slot = limits.TryOpen(tokenName, Api.Routes.Authentication.AddressOf(context), StreamLimits.Kind.DashboardFeed, out var refusal)
            ?? throw Api.Problems.ApiProblemException.Overloaded($"{refusal}; close one");
        var grant = new StreamGrant(tokens, Authentication.TokenOf(context), _ => true);
        var response = context.Response;
        var cancel = context.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.Body.FlushAsync(cancel);
        using var timer = new PeriodicTimer(Every);
        try
        {
            do
            {
                // As each status is read, the token is judged anew: a revoked one ends the feed.
                if (await grant.ResolveAsync(cancel) is not { } caller)
                {
                    return;
                }

                var status = await mediator.Send(new GetStatus(caller), cancel);
                var frame = $"event: status\ndata: {JsonSerializer.Serialize(StatusRoutes.View(status))}\n\n";
                await response.Body.WriteAsync(Encoding.UTF8.GetBytes(frame), cancel);
                await response.Body.FlushAsync(cancel);
            }
            while (await timer.WaitForNextTickAsync(cancel));
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The page was closed.
        }
    }
}
