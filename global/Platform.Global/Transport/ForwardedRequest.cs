using System.Text.Json;

namespace Platform.Global.Transport;

/// <summary>
/// A client request carried to another region (the signed body of <c>/inter/v1/forward</c>): the
/// method, the path and query as the client sent them, the headers that carry meaning (the token
/// among them, so the home checks it again) and the body.
/// </summary>
public sealed record ForwardedRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>The request headers a forwarded request keeps; hop-by-hop and connection headers stay behind.</summary>
    public static readonly IReadOnlyList<string> Kept =
        ["Authorization", "Content-Type", "Accept", "If-Match", "If-None-Match", "Idempotency-Key", "Last-Event-ID"];

    /// <summary>The answer headers that do not travel back: the relaying server sets its own.</summary>
    public static readonly IReadOnlySet<string> NotRelayed = new HashSet<string>(
        ["Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Content-Length", "Date", "Server"], StringComparer.OrdinalIgnoreCase);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static ForwardedRequest Decode(byte[] body) =>
        JsonSerializer.Deserialize<ForwardedRequest>(body, Json) is { Method.Length: > 0 } request && request.Target.StartsWith("/v1/", StringComparison.Ordinal)
            ? request
            : throw new InvalidDataException("not a forwarded request (only client API paths, /v1/..., are forwarded)");
}
