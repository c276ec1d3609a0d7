using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Global.Transport;

/// <summary>
/// The inter-region listener's routes. Every request must be signed with the deployment secret
/// (<see cref="RequestSignature"/>); an unsigned or forged one is refused with 401 and logged with
/// the peer's address and the reason (never the secret). The client API is not served here, and
/// the inter-region routes are not served on the client port.
/// </summary>
public static partial class InterRegionEndpoint
{
    public const string Prefix = "/inter/v1";

    /// <summary>Routes requests arriving on the inter-region port through signature checks; others pass.</summary>
    public static void UseInterRegionAuthentication(this WebApplication app, InterRegionOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Global.InterRegion");
        app.Use(async (context, next) =>
        {
            var onInterPort = context.Connection.LocalPort == options.Port;
            // Routing ignores the path's case, so this guard must too: "/INTER/v1/ping" reaches
            // the ping route, and on the client port it must be refused like "/inter/v1/ping".
            var interPath = context.Request.Path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);
            if (onInterPort != interPath)
            {
                // Each port serves only its own routes.
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            if (onInterPort)
            {
                var body = await ReadAsync(context.Request);
                var refusal = RequestSignature.Check(options.Secret, context.Request.Headers[RequestSignature.FromHeader], context.Request.Method,
                    context.Request.Path.Value ?? string.Empty, context.Request.Headers[RequestSignature.TimestampHeader],
                    context.Request.Headers[RequestSignature.SignatureHeader], body, DateTimeOffset.UtcNow);
                if (refusal is null && ReplayGuard.Guards(context.Request.Path.Value ?? string.Empty)
                    && !context.RequestServices.GetRequiredService<ReplayGuard>().FirstUse(context.Request.Headers[RequestSignature.SignatureHeader].ToString()))
                {
                    refusal = "a replay of a request already served";
                }

                if (refusal is not null)
                {
                    LogRefused(logger, context.Connection.RemoteIpAddress?.ToString() ?? "?", context.Request.Path.Value ?? string.Empty, refusal);
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                }

                // A region cut off by chaos: its requests never arrived.
                var from = context.Request.Headers[RequestSignature.FromHeader].ToString();
                var chaos = context.RequestServices.GetService<Platform.Regional.Chaos.ChaosState>();
                if (chaos is { Enabled: true } && from.Split('/') is [var fromRegion, var fromNode]
                    && !context.Request.Path.StartsWithSegments(Prefix + "/chaos", StringComparison.OrdinalIgnoreCase)
                    && (!chaos.CanReachRegion(fromRegion) || (fromRegion == options.Region && !chaos.CanReachNode(fromNode))))
                {
                    context.Abort();
                    return;
                }

                context.Items[BodyItem] = body;
            }

            await next(context);
        });
    }

    /// <summary>The verified body of an inter-region request.</summary>
    public static byte[] Body(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[BodyItem] as byte[] ?? [];
    }

    /// <summary><c>POST /inter/v1/ping</c>: who answers, for reachability and round-trip measurement.</summary>
    public static void MapPing(IEndpointRouteBuilder app, InterRegionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        app.MapPost(Prefix + "/ping", () => Ping(options));
    }

    /// <summary>The ping's answer: this node's region and name.</summary>
    public static InterRegionAnswer Ping(InterRegionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return InterRegionAnswer.Json(JsonSerializer.SerializeToUtf8Bytes(new { region = options.Region, node = options.NodeName }, PingJson));
    }

    private static readonly JsonSerializerOptions PingJson = new(JsonSerializerDefaults.Web);

    private const string BodyItem = "platform.inter-region.body";
    private const int MaxBody = 64 << 20;

    private static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.Length <= MaxBody ? buffer.ToArray() : throw new BadHttpRequestException("inter-region body too large", StatusCodes.Status413PayloadTooLarge);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused an inter-region request from {Remote} to {Path}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string remote, string path, string reason);

    /// <summary>The JSON a ping answers.</summary>
    public sealed record PingAnswer(string Region, string Node);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static PingAnswer? ParsePing(byte[] body) => JsonSerializer.Deserialize<PingAnswer>(body, Web);
}
