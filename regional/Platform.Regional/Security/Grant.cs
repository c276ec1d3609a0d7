namespace Platform.Regional.Security;

/// <summary>What a token may do in the namespaces its grant covers; each role includes the ones before it.</summary>
public enum Role : byte
{
    Reader = 1,
    Writer = 2,
    Admin = 3,
}

/// <summary>
/// A role over the namespaces a pattern names: an exact name (<c>payments</c>); a name followed by
/// <c>/*</c> for that namespace and its family, every name that continues it after a hyphen
/// (<c>pay/*</c>: <c>pay</c>, <c>pay-eu</c>, <c>pay-eu-2</c>, but not <c>payments</c>); a prefix
/// followed by <c>*</c> for every name starting with it (<c>pay*</c>: <c>payments-evil</c> too); or
/// <c>*</c> for every namespace.
/// </summary>
public sealed record Grant(string Pattern, Role Role)
{
    public bool Covers(string ns) => Covers(Pattern, ns);

    /// <summary>Whether <paramref name="pattern"/> names <paramref name="ns"/> (the edge applies the same rule to cached reads).</summary>
    public static bool Covers(string pattern, ReadOnlySpan<char> ns)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.EndsWith(FamilySuffix, StringComparison.Ordinal))
        {
            var stem = pattern.AsSpan(0, pattern.Length - FamilySuffix.Length);
            return ns.StartsWith(stem, StringComparison.Ordinal) && (ns.Length == stem.Length || ns[stem.Length] == '-');
        }

        return pattern.EndsWith('*') ? ns.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal) : ns.SequenceEqual(pattern);
    }

    private const string FamilySuffix = "/*";

    /// <summary>True for <c>*</c>, a valid namespace name, a valid name followed by <c>/*</c>, or a namespace prefix followed by one <c>*</c>.</summary>
    public static bool IsValidPattern(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern) || pattern.Length > 64)
        {
            return false;
        }

        if (pattern.EndsWith(FamilySuffix, StringComparison.Ordinal))
        {
            return NamespaceNames.IsValid(pattern[..^FamilySuffix.Length]);
        }

        var body = pattern.EndsWith('*') ? pattern[..^1] : pattern;
        return body.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') && (body.Length > 0 || pattern == "*") && (pattern.EndsWith('*') || NamespaceNames.IsValid(pattern));
    }

    public static string RoleText(Role role) => role switch
    {
        Role.Admin => "admin",
        Role.Writer => "writer",
        _ => "reader",
    };

    public static Role? ParseRole(string? text) => text switch
    {
        "reader" => Role.Reader,
        "writer" => Role.Writer,
        "admin" => Role.Admin,
        _ => null,
    };
}
