namespace Platform.Regional.Security;

/// <summary>
/// What a long-lived stream (a watch, the dashboard's status feed) was opened with, checked again
/// while it runs: a token revoked, or changed so it no longer covers what the stream shows, ends
/// the stream instead of going on feeding it. Before each batch the stream checks this node's
/// catalog replica (no round trip); at each idle tick it checks as a new request would (through
/// the leader when this node's view is stale), so an idle stream ends too.
/// </summary>
public sealed class StreamGrant(TokenDirectory tokens, string token, Func<Caller, bool> allows)
{
    /// <summary>From this node's catalog replica: before every batch of events.</summary>
    public bool HoldsLocally() => tokens.ResolveLocally(token) is { } caller && allows(caller);

    /// <summary>As a request's authentication decides: at every idle tick.</summary>
    public async Task<bool> StillHoldsAsync(CancellationToken cancellationToken) =>
        await tokens.ResolveAsync(token, cancellationToken) is { } caller && allows(caller);

    /// <summary>The caller as a request's authentication decides now; null once the token no longer works.</summary>
    public Task<Caller?> ResolveAsync(CancellationToken cancellationToken) => tokens.ResolveAsync(token, cancellationToken);
}
