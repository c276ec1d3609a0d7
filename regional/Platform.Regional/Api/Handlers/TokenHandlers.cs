using Mediator;
using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Requests;
using Platform.Regional.Security;
using Platform.Regional.Routing;
using Platform.Regional.StateMachine;

namespace Platform.Regional.Api.Handlers;

/// <summary>Creates and revokes tokens, kept in the catalog; only the hash of a new token is committed.</summary>
public sealed class TokenHandlers(GroupRouter router, NamespaceCatalog catalog) : IRequestHandler<CreateToken, TokenCreated>, IRequestHandler<RevokeToken, bool>
{
    public async ValueTask<TokenCreated> Handle(CreateToken request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var grants = request.ToGrants();
        var token = TokenHash.NewToken();
        var reply = await router.ProposeAsync(catalog.Group, new PutTokenCommand(request.Name, TokenHash.Of(token), grants), cancellationToken);
        if (reply.Problem is { } problem)
        {
            throw ApiProblemException.InvalidRequest(problem);
        }

        // Tokens are checked against this node's replica: make the new one usable here at once.
        await router.Local(catalog.Group).WaitAppliedAsync(reply.Index, router.Node.RequestTimeout, cancellationToken);
        return new TokenCreated(request.Name, token, grants);
    }

    public async ValueTask<bool> Handle(RevokeToken request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = await router.ProposeAsync(catalog.Group, new RevokeTokenCommand(request.Name), cancellationToken);
        return reply.Problem is null ? true : throw ApiProblemException.NotFound($"token '{request.Name}' does not exist");
    }
}
