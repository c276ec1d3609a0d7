using System.Globalization;
using System.Net.Sockets;

namespace Platform.Client.Http;

/// <summary>
/// What the client's retry and revision rules need to know of a request, read off its method and
/// relative path (the <c>/v1</c> routes of docs/api.md).
/// </summary>
internal static class RequestShapes
{
    public const string IdempotencyHeader = "Idempotency-Key";
    private const string NamespacePrefix = "v1/ns/";

    /// <summary>The namespace a <c>v1/ns/{ns}/...</c> path is about; null for every other route.</summary>
    public static string? Namespace(string relative)
    {
        if (!relative.StartsWith(NamespacePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = relative.IndexOfAny(['/', '?'], NamespacePrefix.Length);
        return Uri.UnescapeDataString(end < 0 ? relative[NamespacePrefix.Length..] : relative[NamespacePrefix.Length..end]);
    }

    /// <summary>Writes the server deduplicates by <c>Idempotency-Key</c>: key puts and deletes, transactions.</summary>
    public static bool TakesIdempotencyKey(HttpMethod method, string relative)
    {
        var rest = AfterNamespace(relative);
        return rest is not null
            && (((method == HttpMethod.Put || method == HttpMethod.Delete) && rest.StartsWith("/kv/", StringComparison.Ordinal))
                || (method == HttpMethod.Post && (rest == "/txn" || rest.StartsWith("/txn?", StringComparison.Ordinal))));
    }

    /// <summary>
    /// A read of current state (a key or a listing) that may present a revision floor: not one that
    /// asks for history (<c>revision</c>), continues a pinned listing (<c>pageToken</c>) or names its
    /// own <c>minRevision</c>.
    /// </summary>
    public static bool IsFloorableRead(HttpMethod method, string relative)
    {
        var rest = AfterNamespace(relative);
        if (method != HttpMethod.Get || rest is null || !(rest.StartsWith("/kv/", StringComparison.Ordinal) || rest == "/kv" || rest.StartsWith("/kv?", StringComparison.Ordinal)))
        {
            return false;
        }

        var query = relative.IndexOf('?', StringComparison.Ordinal) is var at and >= 0 ? relative[(at + 1)..] : string.Empty;
        return !query.Split('&').Any(p => p.StartsWith("revision=", StringComparison.Ordinal) || p.StartsWith("pageToken=", StringComparison.Ordinal) || p.StartsWith("minRevision=", StringComparison.Ordinal));
    }

    public static string WithMinRevision(string relative, long floor) =>
        relative + (relative.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "minRevision=" + floor.ToString(CultureInfo.InvariantCulture);

    /// <summary>The connection was refused: the request never reached a server, so sending it elsewhere cannot do it twice.</summary>
    public static bool NeverSent(Exception failure) =>
        failure is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } }
        || failure is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError, InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable } };

    private static string? AfterNamespace(string relative)
    {
        if (!relative.StartsWith(NamespacePrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = relative.IndexOf('/', NamespacePrefix.Length);
        return end < 0 ? null : relative[end..];
    }
}
