namespace Platform.EdgeProxy.Pipeline;

/// <summary>The two routes the edge answers itself: a key's value and a namespace's watch (docs/api.md, HTTP routes).</summary>
public static class EdgePaths
{
    private const string NamespacesPrefix = "/v1/ns/";

    /// <summary>
    /// <c>/v1/ns/{ns}/kv/{key}</c>, as ranges of the path (nothing allocated): the key may hold
    /// slashes; an empty namespace or key is not this route.
    /// </summary>
    public static bool TryKey(string path, out Range ns, out Range key)
    {
        ns = key = default;
        if (!path.StartsWith(NamespacesPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var end = path.IndexOf('/', NamespacesPrefix.Length);
        if (end <= NamespacesPrefix.Length || string.CompareOrdinal(path, end, "/kv/", 0, 4) != 0 || path.Length <= end + 4)
        {
            return false;
        }

        ns = NamespacesPrefix.Length..end;
        key = (end + 4)..;
        return true;
    }

    /// <summary><c>/v1/ns/{ns}/watch</c>.</summary>
    public static bool TryWatch(string path, out string ns) => TryNamespace(path, out ns, out var rest) && rest == "/watch";

    private static bool TryNamespace(string path, out string ns, out string rest)
    {
        ns = rest = string.Empty;
        if (!path.StartsWith(NamespacesPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var end = path.IndexOf('/', NamespacesPrefix.Length);
        if (end <= NamespacesPrefix.Length)
        {
            return false;
        }

        ns = path[NamespacesPrefix.Length..end];
        rest = path[end..];
        return true;
    }
}
