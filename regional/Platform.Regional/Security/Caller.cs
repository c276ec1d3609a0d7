namespace Platform.Regional.Security;

/// <summary>Who sent a request: the token's name and its grants (resolved from the bearer token).</summary>
public sealed record Caller(string TokenName, IReadOnlyList<Grant> Grants)
{
    public bool Holds(string ns, Role role) => Grants.Any(g => g.Role >= role && g.Covers(ns));

    /// <summary>Admin over every namespace: what managing tokens needs.</summary>
    public bool IsClusterAdmin => Grants.Any(g => g.Role == Role.Admin && g.Pattern == "*");
}
