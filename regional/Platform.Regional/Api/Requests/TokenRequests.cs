using Mediator;
using Platform.Regional.Api.Pipeline;
using Platform.Regional.Api.Problems;
using Platform.Regional.Security;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Requests;

/// <summary>The JSON body of <c>POST /v1/tokens</c>.</summary>
public sealed record TokenBody(string? Name, IReadOnlyList<GrantBody>? Grants);

public sealed record GrantBody(string? Namespace, string? Role);

public sealed record CreateToken(Caller Caller, TokenBody Body) : IRequest<TokenCreated>, IClusterAdminRequest, IValidatedRequest
{
    public const int MaxGrants = 64;

    public void Validate(MvccLimits limits) => ToGrants();

    public string Name => Body.Name ?? string.Empty;

    public IReadOnlyList<Grant> ToGrants()
    {
        if (!NamespaceNames.IsValid(Body.Name))
        {
            throw ApiProblemException.InvalidRequest("a token name follows the namespace name rule");
        }

        if (Body.Grants is not { Count: > 0 and <= MaxGrants } grants)
        {
            throw ApiProblemException.InvalidRequest($"a token needs 1 to {MaxGrants} grants");
        }

        return [.. grants.Select(g =>
            g is { Namespace: { } pattern, Role: { } role } && Grant.IsValidPattern(pattern) && Grant.ParseRole(role) is { } parsed
                ? new Grant(pattern, parsed)
                : throw ApiProblemException.InvalidRequest("every grant is {namespace: name, prefix* or *, role: reader|writer|admin}"))];
    }
}

/// <summary>The new token: the only time its secret is shown.</summary>
public sealed record TokenCreated(string Name, string Token, IReadOnlyList<Grant> Grants);

public sealed record RevokeToken(Caller Caller, string Name) : IRequest<bool>, IClusterAdminRequest;
