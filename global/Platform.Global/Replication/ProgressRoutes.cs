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

    public static void Map(IEndpointRouteBuilder app) => app.MapPost(Path, (HttpContext context, ReplicationBoard board) =>
    {
        CopyProgress[]? reports;
        try
        {
            reports = JsonSerializer.Deserialize<CopyProgress[]>(InterRegionEndpoint.Body(context), Web);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        foreach (var report in reports ?? [])
        {
            board.Record(report);
        }

        return Results.NoContent();
    });

    public static byte[] Encode(IReadOnlyList<CopyProgress> reports) => JsonSerializer.SerializeToUtf8Bytes(reports, Web);
}
