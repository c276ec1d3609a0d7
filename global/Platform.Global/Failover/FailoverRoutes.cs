using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Global.Transport;
using Platform.Regional.Api.Routes;
using Platform.Regional.Chaos;
using Platform.Regional.Routing;
using Platform.Regional.StateMachine;

namespace Platform.Global.Failover;

/// <summary>
/// The inter-region routes an unplanned failover and a region-loss drill use (signed like every
/// inter-region request):
/// <list type="bullet">
/// <item><c>POST /inter/v1/stop</c> <c>{namespace, epoch}</c>: this region commits <c>stop(X, e)</c> in the
/// group holding its copy (from then on it refuses shipped changes of epoch e or earlier) and answers
/// the revision it stopped at (<c>-1</c>: it holds nothing of the namespace);</item>
/// <item><c>POST /inter/v1/chaos</c> <c>{kind: "isolate"|"heal"}</c>: applies the chaos action on every node
/// of this region (only on nodes started with <c>--chaos</c>; an isolated node still takes this route,
/// so a drill can bring its region back).</item>
/// </list>
/// </summary>
public static class FailoverRoutes
{
    public const string StopPath = InterRegionEndpoint.Prefix + "/stop";

    public const string ChaosPath = InterRegionEndpoint.Prefix + "/chaos";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(StopPath, (HttpContext context, GroupRouter router, NamespaceAccess namespaces) =>
            StopAsync(router, namespaces, InterRegionEndpoint.Body(context), context.RequestAborted));

        app.MapPost(ChaosPath, async (HttpContext context, ChaosState chaos) =>
        {
            if (!chaos.Enabled)
            {
                return Results.Conflict(new { detail = "this region's nodes run without --chaos: a drill cannot take it away" });
            }

            var action = Decode<ChaosRequest>(context)?.Kind switch
            {
                "isolate" => new ChaosAction(ChaosKind.Isolate, [], []),
                "heal" => new ChaosAction(ChaosKind.Heal, [], []),
                _ => null,
            };
            if (action is null)
            {
                return Results.BadRequest();
            }

            var others = await ChaosRoutes.ApplyToRegionAsync(context.RequestServices, action, context.RequestAborted);
            return Results.Json(others, Web);
        });
    }

    /// <summary>Commits <c>stop(X, e)</c> in the group holding this region's data of X and answers where it stopped.</summary>
    public static async Task<InterRegionAnswer> StopAsync(GroupRouter router, NamespaceAccess namespaces, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(namespaces);
        if (Decode<StopRequest>(body) is not { Namespace.Length: > 0 } stop)
        {
            return InterRegionAnswer.Empty(System.Net.HttpStatusCode.BadRequest);
        }

        var group = namespaces.RegionalGroupOf(stop.Namespace);
        var reply = await router.ProposeAsync(group, new FenceNamespaceCommand(stop.Namespace, stop.Epoch, stop.MoveVersion), cancellationToken);
        if (reply.Write is not { } noted)
        {
            return InterRegionAnswer.Json(Encode(new StopAnswer(-1, false)));
        }

        await router.Local(group).WaitAppliedAsync(reply.Index, router.Node.RequestTimeout, cancellationToken);
        var isCopy = router.Local(group).Read(m => m.State(stop.Namespace)?.IsCopy ?? false);
        return InterRegionAnswer.Json(Encode(new StopAnswer(noted.Revision, isCopy)));
    }

    public static byte[] Encode<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Web);

    public static T? Decode<T>(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Web);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static T? Decode<T>(HttpContext context) => Decode<T>(InterRegionEndpoint.Body(context));
}

/// <summary>A failover's request that a region stop taking changes of a namespace's epoch.</summary>
public sealed record StopRequest(string Namespace, long Epoch, long MoveVersion = -1);

/// <summary>Where the region stopped: the last revision it holds (-1: nothing), and whether it holds it as a copy.</summary>
public sealed record StopAnswer(long Revision, bool IsCopy);

/// <summary>A drill's chaos action for a whole region.</summary>
public sealed record ChaosRequest(string Kind);
