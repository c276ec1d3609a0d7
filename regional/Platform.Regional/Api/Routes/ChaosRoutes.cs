using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Regional.Api.Problems;
using Platform.Regional.Chaos;

namespace Platform.Regional.Api.Routes;

/// <summary>
/// <c>/v1/chaos/...</c>, mapped only on a node started with <c>--chaos</c> (admin on <c>*</c>):
/// cut this node off from nodes of its region or from whole regions, add latency towards a region,
/// isolate it from clients and peers, heal. Drills and fault tests drive them on each node they hit.
/// </summary>
public static class ChaosRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var chaos = app.MapGroup("/v1/chaos");
        chaos.MapGet("", (HttpContext context, ChaosState state) => Admin(context, () => state.Describe()));
        chaos.MapPost("/partition", async (HttpContext context, ChaosState state) =>
        {
            var body = await HttpInput.ReadJsonAsync<PartitionBody>(context.Request, context.RequestAborted);
            return Admin(context, () =>
            {
                state.CutNodes(body.Nodes ?? []);
                state.CutRegions(body.Regions ?? []);
                return state.Describe();
            });
        });
        chaos.MapPost("/latency", async (HttpContext context, ChaosState state) =>
        {
            var body = await HttpInput.ReadJsonAsync<LatencyBody>(context.Request, context.RequestAborted);
            if (string.IsNullOrEmpty(body.Region) || body.Ms is not (>= 0 and <= 60_000))
            {
                throw ApiProblemException.InvalidRequest("latency needs {region, ms} with ms from 0 to 60000");
            }

            return Admin(context, () =>
            {
                state.AddLatency(body.Region, TimeSpan.FromMilliseconds(body.Ms.Value));
                return state.Describe();
            });
        });
        chaos.MapPost("/isolate", (HttpContext context, ChaosState state) => Admin(context, () =>
        {
            state.Isolate();
            return state.Describe();
        }));
        chaos.MapPost("/heal", (HttpContext context, ChaosState state) => Admin(context, () =>
        {
            state.Heal();
            return state.Describe();
        }));
    }

    private static IResult Admin(HttpContext context, Func<object> act)
    {
        var caller = Authentication.CallerOf(context);
        return caller.IsClusterAdmin
            ? Results.Json(act())
            : throw ApiProblemException.Forbidden($"token '{caller.TokenName}' is not an admin of every namespace ('*')");
    }

    private sealed record PartitionBody(IReadOnlyList<string>? Nodes, IReadOnlyList<string>? Regions);

    private sealed record LatencyBody(string? Region, int? Ms);
}
