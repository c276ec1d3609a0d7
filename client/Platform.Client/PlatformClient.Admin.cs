using Platform.Client.Http;
using Platform.Client.Json;
using Platform.Client.Models;

namespace Platform.Client;

/// <summary>The node's view (<c>/v1/status</c>) and tokens (<c>/v1/tokens</c>).</summary>
public sealed partial class PlatformClient
{
    public Task<StatusInfo> GetStatusAsync(CancellationToken cancellationToken = default) =>
        SendForJsonAsync(Request(HttpMethod.Get, PlatformRoutes.Status), PlatformJsonContext.Default.StatusInfo, cancellationToken);

    /// <summary>Creates a token with the given grants; the answer holds the secret, which the server shows only once.</summary>
    public Task<TokenCreateResult> CreateTokenAsync(string name, IReadOnlyList<TokenGrant> grants, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(grants);
        var request = WithJson(Request(HttpMethod.Post, PlatformRoutes.Tokens), new TokenRequest(name, grants), PlatformJsonContext.Default.TokenRequest);
        return SendForJsonAsync(request, PlatformJsonContext.Default.TokenCreateResult, cancellationToken);
    }

    /// <summary>The calling token's own name and grants (<c>GET /v1/tokens/self</c>).</summary>
    public Task<TokenSelf> GetOwnTokenAsync(CancellationToken cancellationToken = default) =>
        SendForJsonAsync(Request(HttpMethod.Get, PlatformRoutes.Tokens + "/self"), PlatformJsonContext.Default.TokenSelf, cancellationToken);

    public Task RevokeTokenAsync(string name, CancellationToken cancellationToken = default) =>
        SendForNothingAsync(Request(HttpMethod.Delete, PlatformRoutes.Token(name)), cancellationToken);
}
