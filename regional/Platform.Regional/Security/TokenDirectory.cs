using Platform.Regional.Hosting;
using Platform.Regional.Replication;

namespace Platform.Regional.Security;

/// <summary>
/// Resolves bearer tokens: the bootstrap admin token (its hash given to the node at start) and
/// the tokens kept in the region's token group, read from this node's replica.
/// </summary>
public sealed class TokenDirectory(NodeReplicas replicas, NodeOptions node)
{
    /// <summary>The group whose state holds the region's tokens.</summary>
    public const ulong TokenGroup = 0;

    public static readonly Caller BootstrapAdmin = new("admin", [new Grant("*", Role.Admin)]);

    public Caller? Resolve(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var hash = TokenHash.Of(token);
        if (node.AdminTokenHash is { } admin && TokenHash.Same(hash, admin))
        {
            return BootstrapAdmin;
        }

        var stored = replicas.Get(TokenGroup).Read(m => m.Tokens.FirstOrDefault(t => TokenHash.Same(t.Hash, hash)));
        return stored is null ? null : new Caller(stored.Name, stored.Grants);
    }
}
