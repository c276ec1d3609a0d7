using System.Globalization;
using Platform.Client.Models;

namespace Platform.Client.Http;

/// <summary>
/// The <c>/v1</c> paths of docs/api.md, relative to an endpoint. Namespaces, token names and
/// query values are percent-encoded; keys keep their slashes (<see cref="KeyPath"/>).
/// </summary>
internal static class PlatformRoutes
{
    public static string Key(string ns, string key) => $"v1/ns/{Segment(ns)}/kv/{KeyPath.Escape(key)}";

    public static string Keys(string ns) => $"v1/ns/{Segment(ns)}/kv";

    public static string History(string ns, string key) => $"v1/ns/{Segment(ns)}/history/{KeyPath.Escape(key)}";

    public static string Watch(string ns) => $"v1/ns/{Segment(ns)}/watch";

    public static string Txn(string ns) => $"v1/ns/{Segment(ns)}/txn";

    public static string Compact(string ns) => $"v1/ns/{Segment(ns)}/compact";

    public static string Digest(string ns) => $"v1/ns/{Segment(ns)}/digest";

    public static string Divergent(string ns) => $"v1/ns/{Segment(ns)}/divergent";

    public static string Namespace(string ns) => $"v1/namespaces/{Segment(ns)}";

    public const string Namespaces = "v1/namespaces";

    public const string Status = "v1/status";

    public const string Tokens = "v1/tokens";

    public static string Token(string name) => $"v1/tokens/{Segment(name)}";

    public const string Drills = "v1/drills";

    public static string Drill(string id) => $"v1/drills/{Segment(id)}";

    /// <summary><c>?a=1&amp;b=x</c> from the pairs whose value is not null; empty when none is.</summary>
    public static string Query(params ReadOnlySpan<(string Name, string? Value)> parameters)
    {
        var parts = new List<string>(parameters.Length);
        foreach (var (name, value) in parameters)
        {
            if (value is not null)
            {
                parts.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}");
            }
        }

        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }

    public static string? Text(long? number) => number?.ToString(CultureInfo.InvariantCulture);

    public static string? Text(ReadConsistency? consistency) => consistency switch
    {
        null => null,
        ReadConsistency.Linearizable => "linearizable",
        ReadConsistency.Serializable => "serializable",
        ReadConsistency.Cached => "cached",
        _ => throw new ArgumentOutOfRangeException(nameof(consistency), consistency, "unknown consistency"),
    };

    /// <summary>
    /// The absolute request URI. It is built without path canonicalization: System.Uri would
    /// otherwise unescape <c>%2E</c> and drop dot-segments, turning the key <c>a/../b</c> into <c>b</c>.
    /// </summary>
    public static Uri Absolute(Uri endpoint, string relative)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var prefix = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri($"{prefix}/{relative}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
    }

    private static string Segment(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }
}
