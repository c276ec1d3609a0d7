namespace Platform.Client.Http;

/// <summary>
/// Escapes a key for the path after <c>/kv/</c>: keys may contain <c>/</c>, which stays a literal
/// slash between segments, while each segment is percent-encoded. A segment that is exactly
/// <c>.</c> or <c>..</c> is encoded as <c>%2E</c>s so it names a key rather than a dot-segment
/// (the client also sends the path uncanonicalized, see <see cref="PlatformRoutes"/>).
/// </summary>
public static class KeyPath
{
    public static string Escape(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return string.Join('/', key.Split('/').Select(EscapeSegment));
    }

    private static string EscapeSegment(string segment) => segment switch
    {
        "." => "%2E",
        ".." => "%2E%2E",
        _ => Uri.EscapeDataString(segment),
    };
}
