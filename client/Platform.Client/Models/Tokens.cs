namespace Platform.Client.Models;

/// <summary>A grant of a token: a namespace pattern (<c>pay*</c>) and a role (reader, writer or admin).</summary>
public sealed record TokenGrant(string Namespace, string Role);

/// <summary>The body of <c>POST /v1/tokens</c>.</summary>
public sealed record TokenRequest(string Name, IReadOnlyList<TokenGrant> Grants);

/// <summary>A new token; the server shows <see cref="Token"/> only this once.</summary>
public sealed record TokenCreateResult(string Name, string Token, IReadOnlyList<TokenGrant>? Grants);

/// <summary>The answer of <c>GET /v1/tokens/self</c>: the calling token's name and grants.</summary>
public sealed record TokenSelf(string Name, IReadOnlyList<TokenGrant> Grants);
