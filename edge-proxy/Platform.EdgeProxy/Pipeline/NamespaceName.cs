using System.Text.RegularExpressions;

namespace Platform.EdgeProxy.Pipeline;

/// <summary>
/// The API's namespace name rule (as the nodes enforce it): checked by the edge before a name costs
/// the region anything. No catalog holds a name outside it, so a request for one is refused here
/// (400 InvalidNamespace) instead of opening a namespace whose catalog lookup can only be refused.
/// </summary>
public static partial class NamespaceName
{
    public static bool IsValid(ReadOnlySpan<char> name) => Pattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Pattern();
}
