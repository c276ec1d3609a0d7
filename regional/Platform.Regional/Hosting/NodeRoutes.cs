using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Platform.Regional.Replication;

namespace Platform.Regional.Hosting;

/// <summary>The routes that need no token (shared/API.md): liveness and readiness.</summary>
public static class NodeRoutes
{
    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", ReadyAsync);
    }

    /// <summary>Ready when every group's replica on this node knows a leader; the body lists each group's view.</summary>
    private static async Task<IResult> ReadyAsync(IGrainFactory grains, NodeOptions node)
    {
        var groups = new List<object>();
        var ready = true;
        for (ulong group = 0; group < (ulong)node.Groups; group++)
        {
            var status = await grains.GetGrain<IReplicaGrain>(ReplicaGrain.KeyFor(group, node.NodeName)).Status();
            ready &= status.LeaderNode is not null;
            groups.Add(new { id = group, leader = status.LeaderNode, term = status.Term, commitIndex = status.CommitIndex, appliedIndex = status.AppliedIndex, role = status.Role });
        }

        var body = new { region = node.Region, node = node.NodeName, ready, groups };
        return ready ? Results.Json(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
