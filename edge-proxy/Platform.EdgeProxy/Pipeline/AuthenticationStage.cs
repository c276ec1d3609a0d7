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
    public Task InvokeAsync(HttpContext context, TokenCache tokens)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tokens);
        // Any case: the nodes' routing ignores it, so "/V1/..." is an API request like "/v1/...".
        if (!context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            throw EdgeProblem.Unauthorized("send Authorization: Bearer <token>");
        }

        // A known token: no await, no string. The token's state itself is the request's feature.
        var token = header.AsSpan(7).Trim();
        if (tokens.TryResolveKnown(token, out var known))
        {
            context.Features.Set(known);
            return next(context);
        }

        return ResolveAsync(context, tokens, token.ToString());
    }

    private async Task ResolveAsync(HttpContext context, TokenCache tokens, string token)
    {
        var (_, state) = await tokens.ResolveAsync(token, context.RequestAborted, context.Connection.RemoteIpAddress);
        context.Features.Set(state);
        await next(context);
    }

    /// <summary>The caller this stage resolved (as its token's state now says), and that state (for watches to recheck).</summary>
    public static (EdgeCaller Caller, TokenCache.TokenState State) CallerOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = context.Features.Get<TokenCache.TokenState>() ?? throw new InvalidOperationException("a /v1 request ran without authentication");
        return (state.Caller ?? throw EdgeProblem.Unauthorized("the token was revoked"), state);
    }
}
