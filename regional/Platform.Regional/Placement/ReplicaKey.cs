namespace Platform.Regional.Placement;

/// <summary>
/// The string key of a grain that lives on one named node: <c>&lt;what&gt;@&lt;node&gt;</c>, for
/// example <c>g2@node-3</c> for group 2's replica on node-3. The node part is what placement reads.
/// </summary>
public static class ReplicaKey
{
    public const char Separator = '@';

    public static string For(string what, string node)
    {
        ArgumentException.ThrowIfNullOrEmpty(what);
        ArgumentException.ThrowIfNullOrEmpty(node);
        if (what.Contains(Separator, StringComparison.Ordinal) || node.Contains(Separator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"neither part of a pinned grain key may contain '{Separator}'");
        }

        return $"{what}{Separator}{node}";
    }

    /// <summary>The node named by <paramref name="key"/>, or null when the key does not name one.</summary>
    public static string? NodeOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.LastIndexOf(Separator);
        return at <= 0 || at == key.Length - 1 ? null : key[(at + 1)..];
    }

    public static string WhatOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.LastIndexOf(Separator);
        return at <= 0 ? key : key[..at];
    }
}
