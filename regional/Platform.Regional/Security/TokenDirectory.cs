using Platform.Regional.Hosting;
using Platform.Regional.Routing;

namespace Platform.Regional.Security;

/// <summary>
/// Resolves bearer tokens: the bootstrap admin token (its hash given to the node at start) and
/// the tokens kept in the catalog (every region's nodes replicate it), read from this node's
/// replica. A token this replica does not know may have been created through another node a moment
/// ago, so a miss is confirmed through the leader before it is refused; revocations reach every
/// node within the replication lag, and never later than <see cref="MaxStaleness"/>.
/// </summary>
public sealed class TokenDirectory(NamespaceCatalog catalog, NodeOptions node, GroupRouter router)
{
    public static readonly Caller BootstrapAdmin = new("admin", [new Grant("*", Role.Admin)]);

    /// <summary>
    /// The edge proxies' bootstrap token (its hash given at start, like the admin's): a reader of
    /// every namespace, which is all an edge needs for its fetches, watches and catalog reads.
    /// </summary>
    public static readonly Caller BootstrapEdge = new("edge", [new Grant("*", Role.Reader)]);

    /// <summary>The bootstrap caller a token's hash names, if any.</summary>
    private Caller? Bootstrap(string hash) =>
        node.AdminTokenHash is { } admin && TokenHash.Same(hash, admin) ? BootstrapAdmin
        : node.EdgeTokenHash is { } edge && TokenHash.Same(hash, edge) ? BootstrapEdge
        : null;

    /// <summary>
    /// The most a node's view of tokens may lag: a replica that has not heard from its leader for
    /// longer confirms through the leader first, so a revoked token stops working everywhere within
    /// this bound (or is answered 503 where no leader is reachable), even on a node cut off.
    /// </summary>
    public static readonly TimeSpan MaxStaleness = NamespaceCatalog.MaxStaleness;

    /// <summary>
    /// Lookups of tokens this node does not know, a token bucket per client address: each costs a
    /// linearizable catalog read (a consensus round), so a flood of random tokens from one address
    /// is refused once its bucket is empty, before any of that work. Idle buckets are dropped by the
    /// limiter itself, so the table follows the addresses active now.
    /// </summary>
    private readonly System.Threading.RateLimiting.PartitionedRateLimiter<System.Net.IPAddress> unknownLookups =
        System.Threading.RateLimiting.PartitionedRateLimiter.Create<System.Net.IPAddress, System.Net.IPAddress>(address =>
            System.Threading.RateLimiting.RateLimitPartition.GetTokenBucketLimiter(address, _ => new System.Threading.RateLimiting.TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, node.UnknownTokenLookupBurst),
                TokensPerPeriod = Math.Max(1, node.UnknownTokenLookupsPerSecond / 10),
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));

    /// <summary>
    /// The token's caller, or null when no such token exists. A token this node's replica does not
    /// hold is confirmed through the catalog's leader; <paramref name="from"/>, the client's
    /// address, pays for that from its bucket (429 <c>Overloaded</c> once empty).
    /// </summary>
    public async Task<Caller?> ResolveAsync(string token, CancellationToken cancellationToken, System.Net.IPAddress? from = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        var hash = TokenHash.Of(token);
        if (Bootstrap(hash) is { } bootstrap)
        {
            return bootstrap;
        }

        var local = Find(hash);
        if (catalog.Replica.SinceFresh <= MaxStaleness && local is { } known)
        {
            return known;
        }

        // A token just confirmed unknown stays refused for a moment without asking the leader
        // again: a client hammering with a bad token costs one read round a second, not one a request.
        var now = Environment.TickCount64;
        if (recentlyUnknown.TryGetValue(hash, out var until) && now < until)
        {
            return null;
        }

        if (local is null && from is not null)
        {
            using var lease = unknownLookups.AttemptAcquire(from);
            if (!lease.IsAcquired)
            {
                throw Api.Problems.ApiProblemException.Overloaded($"too many lookups of unknown tokens from {from}; retry later");
            }
        }

        await router.LinearizableBarrierAsync(catalog.Group, cancellationToken);
        if (Find(hash) is { } confirmed)
        {
            return confirmed;
        }

        if (recentlyUnknown.Count >= MaxRemembered)
        {
            recentlyUnknown.Clear();
        }

        recentlyUnknown[hash] = now + (long)UnknownFor.TotalMilliseconds;
        return null;
    }

    /// <summary>
    /// The token as this node's catalog replica knows it now, with no round trip: what a long-lived
    /// stream checks before each batch it sends, so nothing reaches a token once this node applied
    /// its revocation.
    /// </summary>
    public Caller? ResolveLocally(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var hash = TokenHash.Of(token);
        return Bootstrap(hash) ?? Find(hash);
    }

    private static readonly TimeSpan UnknownFor = TimeSpan.FromSeconds(1);
    private const int MaxRemembered = 10_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> recentlyUnknown = new(StringComparer.Ordinal);

    private Caller? Find(string hash)
    {
        var stored = catalog.Replica.Read(m => m.Tokens.FirstOrDefault(t => TokenHash.Same(t.Hash, hash)));
        return stored is null ? null : new Caller(stored.Name, stored.Grants);
    }
}
