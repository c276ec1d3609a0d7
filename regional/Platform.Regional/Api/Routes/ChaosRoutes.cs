using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Platform.Regional.Api.Problems;
using Platform.Regional.Chaos;
using Platform.Regional.Hosting;
using Platform.Regional.Placement;
using Platform.Regional.Replicas;

namespace Platform.Regional.Api.Routes;

/// <summary>
/// <c>/v1/chaos/...</c>, mapped only on a node started with <c>--chaos</c> (admin on <c>*</c>):
/// cut this node off from nodes of its region or from whole regions, add latency towards a region,
/// isolate it from clients and peers, heal. With <c>?scope=region</c> the action is applied on
/// every node of this node's region (the others first, through their node grains, then this one),
/// so one call isolates, partitions or heals a whole region.
/// </summary>
public static class ChaosRoutes
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(2);

    public static void Map(IEndpointRouteBuilder app)
    {
        var chaos = app.MapGroup("/v1/chaos");
        chaos.MapGet("", (HttpContext context, ChaosState state) => Admin(context, () => state.Describe()));
        chaos.MapPost("/partition", async (HttpContext context) =>
        {
            var body = await HttpInput.ReadJsonAsync<PartitionBody>(context.Request, context.RequestAborted);
            return await ApplyAsync(context, new ChaosAction(ChaosKind.Partition, body.Nodes ?? [], body.Regions ?? []));
        });
        chaos.MapPost("/latency", async (HttpContext context) =>
        {
            var body = await HttpInput.ReadJsonAsync<LatencyBody>(context.Request, context.RequestAborted);
            if (string.IsNullOrEmpty(body.Region) || body.Ms is not (>= 0 and <= 60_000))
            {
                throw ApiProblemException.InvalidRequest("latency needs {region, ms} with ms from 0 to 60000");
            }

            return await ApplyAsync(context, new ChaosAction(ChaosKind.Latency, [], [], body.Region, body.Ms.Value));
        });
        // A handler of HttpContext alone would bind as a RequestDelegate and drop its result: hence the token.
        chaos.MapPost("/isolate", (HttpContext context, CancellationToken _) => ApplyAsync(context, new ChaosAction(ChaosKind.Isolate, [], [])));
        chaos.MapPost("/heal", (HttpContext context, CancellationToken _) => ApplyAsync(context, new ChaosAction(ChaosKind.Heal, [], [])));
    }

    private static async Task<IResult> ApplyAsync(HttpContext context, ChaosAction action)
    {
        RequireAdmin(context);
        var services = context.RequestServices;
        var state = services.GetRequiredService<ChaosState>();
        var scope = context.Request.Query["scope"].ToString();
        if (scope is not ("" or "node" or "region"))
        {
            throw ApiProblemException.InvalidRequest("scope is node (the default) or region");
        }

        if (scope == "region")
        {
            var others = await ApplyToRegionAsync(services, action, context.RequestAborted);
            return Results.Json(new { self = state.Describe(), regionNodes = others });
        }

        state.Apply(action);
        return Results.Json(state.Describe());
    }

    /// <summary>
    /// Applies <paramref name="action"/> on every node of this node's region: the others first,
    /// through their node grains, then this one. Returns what became of each other node.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> ApplyToRegionAsync(IServiceProvider services, ChaosAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var state = services.GetRequiredService<ChaosState>();
        var node = services.GetRequiredService<NodeOptions>();
        var grains = services.GetRequiredService<IGrainFactory>();
        var addresses = services.GetRequiredService<NodeAddresses>();
        var others = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var peer in node.RegionNodes.Where(n => n != node.NodeName))
        {
            try
            {
                await grains.GetGrain<INodeGrain>(addresses.Key("node", peer)).ApplyChaos(action).WaitAsync(PeerTimeout, cancellationToken);
                others[peer] = "applied";
            }
            catch (Exception failed) when (failed is TimeoutException or OrleansException or SiloUnavailableException or InvalidOperationException)
            {
                others[peer] = $"not applied: {failed.Message}";
            }
        }

        state.Apply(action);
        return others;
    }

    private static IResult Admin(HttpContext context, Func<object> act)
    {
        RequireAdmin(context);
        return Results.Json(act());
    }

    private static void RequireAdmin(HttpContext context)
    {
        var caller = Authentication.CallerOf(context);
        if (!caller.IsClusterAdmin)
        {
            throw ApiProblemException.Forbidden($"token '{caller.TokenName}' is not an admin of every namespace ('*')");
        }
    }

    private sealed record PartitionBody(IReadOnlyList<string>? Nodes, IReadOnlyList<string>? Regions);

    private sealed record LatencyBody(string? Region, int? Ms);
}
