using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Global.Transport;

namespace Platform.Global.Replication;

/// <summary><c>POST /inter/v1/progress</c>: replicators' reports of their copies (a JSON array of <see cref="CopyProgress"/>).</summary>
public static class ProgressRoutes
{
    public const string Path = InterRegionEndpoint.Prefix + "/progress";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(Path, (HttpContext context, ReplicationBoard board) => Handle(board, InterRegionEndpoint.Body(context)));

    /// <summary>Records the reports on this node's board: 204, or 400 for a body that is not a report list.</summary>
    public static InterRegionAnswer Handle(ReplicationBoard board, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(board);
        CopyProgress[]? reports;
        try
        {
            reports = JsonSerializer.Deserialize<CopyProgress[]>(body, Web);
        }
        catch (JsonException)
        {
            return InterRegionAnswer.Empty(System.Net.HttpStatusCode.BadRequest);
        }

        foreach (var report in reports ?? [])
        {
            board.Record(report);
        }

        return InterRegionAnswer.Empty(System.Net.HttpStatusCode.NoContent);
    }

    public static byte[] Encode(IReadOnlyList<CopyProgress> reports) => JsonSerializer.SerializeToUtf8Bytes(reports, Web);
}
