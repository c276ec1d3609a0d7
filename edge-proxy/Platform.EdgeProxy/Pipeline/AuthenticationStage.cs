using Microsoft.AspNetCore.Http;
using Platform.EdgeProxy.Security;

namespace Platform.EdgeProxy.Pipeline;

/// <summary>
/// Every <c>/v1</c> request needs a bearer token the region knows (checked through the token
/// cache); an unknown one is refused here, before it costs the region anything. Proxied requests
/// keep their Authorization header and are checked again by the node.
/// </summary>
public sealed class AuthenticationStage(RequestDelegate next)
{
    private const string CallerItem = "edge.caller";

    public async Task InvokeAsync(HttpContext context, TokenCache tokens)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tokens);
        if (context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
        {
            var header = context.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
            {
                throw EdgeProblem.Unauthorized("send Authorization: Bearer <token>");
            }

            context.Items[CallerItem] = await tokens.ResolveAsync(header[7..].Trim(), context.RequestAborted);
        }

        await next(context);
    }

    /// <summary>The caller this stage resolved, and its token's state (for watches to recheck).</summary>
    public static (EdgeCaller Caller, TokenCache.TokenState State) CallerOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[CallerItem] is ValueTuple<EdgeCaller, TokenCache.TokenState> resolved
            ? resolved
            : throw new InvalidOperationException("a /v1 request ran without authentication");
    }
}
