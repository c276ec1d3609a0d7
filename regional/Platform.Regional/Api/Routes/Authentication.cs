using Microsoft.AspNetCore.Http;
using Platform.Regional.Api.Problems;
using Platform.Regional.Security;

namespace Platform.Regional.Api.Routes;

/// <summary>
/// Every <c>/v1</c> route needs <c>Authorization: Bearer &lt;token&gt;</c>: a missing, malformed or
/// unknown token is answered 401 before any route runs. What the token may do is checked later,
/// by the pipeline's authorization stage. The token itself is never logged.
/// </summary>
public sealed class Authentication(RequestDelegate next)
{
    private const string CallerItem = "platform.caller";

    public async Task InvokeAsync(HttpContext context, TokenDirectory tokens)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tokens);
        if (context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase))
        {
            var header = context.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
            {
                throw ApiProblemException.Unauthorized("send Authorization: Bearer <token>");
            }

            context.Items[CallerItem] = await tokens.ResolveAsync(header[7..].Trim(), context.RequestAborted, context.Connection.RemoteIpAddress)
                ?? throw ApiProblemException.Unauthorized("the token is not known or was revoked");
        }

        await next(context);
    }

    /// <summary>The bearer token the request was authenticated with (what a long-lived stream checks again while it runs).</summary>
    public static string TokenOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Headers.Authorization.ToString()[7..].Trim();
    }

    /// <summary>The caller the middleware resolved for this request.</summary>
    public static Caller CallerOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[CallerItem] as Caller ?? throw new InvalidOperationException("a /v1 route ran without authentication");
    }

    /// <summary>The client's address as this node sees it (what per-address limits count).</summary>
    public static string AddressOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
