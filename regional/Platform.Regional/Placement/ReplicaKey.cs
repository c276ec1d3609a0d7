namespace Platform.Regional.Placement;

/// <summary>
/// The string key of a grain that lives on one named node: <c>&lt;what&gt;@&lt;node&gt;</c>, for
/// example <c>g2@node-3</c> for group 2's replica on node-3. The node part is what placement reads.
/// </summary>
public static class ReplicaKey
{
    public const char Separator = '@';

    /// <summary>Separates the node from the generation of its silo the key was made for.</summary>
    public const char GenerationSeparator = '#';

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

    /// <summary>
    /// A key that also names the generation of the node's silo. A restarted node is a new grain
    /// identity for its callers, so no cached address of its previous incarnation is ever reused.
    /// </summary>
    public static string For(string what, string node, int generation) =>
        generation == 0 ? For(what, node) : $"{For(what, node)}{GenerationSeparator}{generation.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The node named by <paramref name="key"/>, or null when the key does not name one.</summary>
    public static string? NodeOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.LastIndexOf(Separator);
        if (at <= 0 || at == key.Length - 1)
        {
            return null;
        }

        var node = key[(at + 1)..];
        var generation = node.IndexOf(GenerationSeparator, StringComparison.Ordinal);
        return generation < 0 ? node : generation == 0 ? null : node[..generation];
    }

    public static string WhatOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.LastIndexOf(Separator);
        return at <= 0 ? key : key[..at];
    }
}
