using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Regional.Api.Requests;
using Platform.Regional.Security;

namespace Platform.Regional.Api.Routes;

/// <summary>Token management (docs/api.md, Tokens): create (the secret is shown once) and revoke.</summary>
public static class TokenRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/tokens", CreateAsync);
        app.MapDelete("/v1/tokens/{name}", RevokeAsync);
        app.MapGet("/v1/tokens/self", Self);
    }

    /// <summary>
    /// The caller's own token: its name and grants. Any valid token may read itself; an edge proxy
    /// validates its clients' tokens with it and authorizes cache hits locally from the grants.
    /// </summary>
    private static IResult Self(HttpContext context)
    {
        var caller = Authentication.CallerOf(context);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new
        {
            name = caller.TokenName,
            grants = caller.Grants.Select(g => new { @namespace = g.Pattern, role = Grant.RoleText(g.Role) }),
        });
    }

    private static async Task<IResult> CreateAsync(HttpContext context, IMediator mediator)
    {
        var body = await HttpInput.ReadJsonAsync<TokenBody>(context.Request, context.RequestAborted);
        var created = await mediator.Send(new CreateToken(Authentication.CallerOf(context), body), context.RequestAborted);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new
        {
            name = created.Name,
            token = created.Token,
            grants = created.Grants.Select(g => new { @namespace = g.Pattern, role = Grant.RoleText(g.Role) }),
        }, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RevokeAsync(HttpContext context, string name, IMediator mediator)
    {
        await mediator.Send(new RevokeToken(Authentication.CallerOf(context), name), context.RequestAborted);
        return Results.Json(new { name, revoked = true });
    }
}
