using Platform.Client.Models;

namespace Platform.EdgeProxy.Security;

/// <summary>
/// A client's token as the region described it (<c>GET /v1/tokens/self</c>): its name and grants.
/// The edge checks a read against these grants itself, so a cache hit is never wider than what the
/// region would allow; a pattern is a namespace name, a name followed by <c>/*</c> (its family), a
/// prefix ending in <c>*</c>, or <c>*</c>.
/// </summary>
public sealed record EdgeCaller(string Name, IReadOnlyList<TokenGrant> Grants)
{
    /// <summary>True when some grant covers <paramref name="ns"/> with any role (reader, writer and admin may all read).</summary>
    public bool MayRead(ReadOnlySpan<char> ns)
    {
        // A loop, not LINQ: this runs on every cache hit.
        for (var i = 0; i < Grants.Count; i++)
        {
            var grant = Grants[i];
            if (RoleRank(grant.Role) >= 1 && Covers(grant.Namespace, ns))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The nodes' rule (Grant.Covers in the regional layer, which the edge does not reference):
    /// <c>*</c> every namespace, <c>name/*</c> that namespace and every <c>name-…</c>, <c>prefix*</c>
    /// every name starting with the prefix, else the exact name.
    /// </summary>
    public static bool Covers(string pattern, ReadOnlySpan<char> ns)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.EndsWith("/*", StringComparison.Ordinal))
        {
            var stem = pattern.AsSpan(0, pattern.Length - 2);
            return ns.StartsWith(stem, StringComparison.Ordinal) && (ns.Length == stem.Length || ns[stem.Length] == '-');
        }

        return pattern.EndsWith('*') ? ns.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal) : ns.SequenceEqual(pattern);
    }

    private static int RoleRank(string role) => role switch
    {
        "reader" => 1,
        "writer" => 2,
        "admin" => 3,
        _ => 0,
    };
}
