namespace Platform.Regional.Security;

/// <summary>What a token may do in the namespaces its grant covers; each role includes the ones before it.</summary>
public enum Role : byte
{
    Reader = 1,
    Writer = 2,
    Admin = 3,
}

/// <summary>
/// A role over the namespaces a pattern names: an exact name, or a prefix followed by <c>*</c>
/// (<c>pay*</c>), or <c>*</c> for every namespace.
/// </summary>
public sealed record Grant(string Pattern, Role Role)
{
    public bool Covers(string ns) =>
        Pattern.EndsWith('*') ? ns.StartsWith(Pattern.AsSpan(0, Pattern.Length - 1), StringComparison.Ordinal) : ns == Pattern;

    /// <summary>True for <c>*</c>, a valid namespace name, or a namespace prefix followed by one <c>*</c>.</summary>
    public static bool IsValidPattern(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern) || pattern.Length > 64)
        {
            return false;
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
