using System.Text.RegularExpressions;

namespace Platform.Regional.Security;

/// <summary>The namespace name rule of docs/api.md (Limits).</summary>
public static partial class NamespaceNames
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Pattern();
}
