using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Global.Transport;

/// <summary>
/// The inter-region listener's routes. Every request must be signed with the deployment secret
/// (<see cref="RequestSignature"/>), checked from its headers before its body is read, and is
/// served once (<see cref="ReplayGuard"/>); an unsigned, forged, replayed or altered one is refused
/// with 401 and logged with the peer's address and the reason (never the secret). The client API is not served here, and
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
                var headers = context.Request.Headers;
                var claims = new RequestSignature.Claims(headers[RequestSignature.FromHeader], context.Request.Method, context.Request.Path.Value ?? string.Empty,
                    headers[RequestSignature.TimestampHeader], headers[RequestSignature.NonceHeader], headers[RequestSignature.BodyDigestHeader], headers[RequestSignature.SignatureHeader]);

                // The headers first: nothing of the body is read for a sender that cannot sign.
                var refusal = RequestSignature.CheckHeaders(options.Secret, claims, DateTimeOffset.UtcNow);
                if (refusal is null && !context.RequestServices.GetRequiredService<ReplayGuard>().FirstUse(claims.Signature!))
                {
                    refusal = "a replay of a request already served";
                }

                byte[] body = [];
                if (refusal is null)
                {
                    body = await ReadAsync(context.Request);
                    if (!RequestSignature.BodyMatches(claims.BodyDigest!, body))
                    {
                        refusal = "the body is not the one signed";
                    }
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

    /// <summary>The (signed) body, refused past <see cref="MaxBody"/> as soon as it says or shows it is larger.</summary>
    private static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBody)
        {
            throw new BadHttpRequestException("inter-region body too large", StatusCodes.Status413PayloadTooLarge);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBody)
            {
                throw new BadHttpRequestException("inter-region body too large", StatusCodes.Status413PayloadTooLarge);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "refused an inter-region request from {Remote} to {Path}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string remote, string path, string reason);

    /// <summary>The JSON a ping answers.</summary>
    public sealed record PingAnswer(string Region, string Node);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static PingAnswer? ParsePing(byte[] body) => JsonSerializer.Deserialize<PingAnswer>(body, Web);
}
