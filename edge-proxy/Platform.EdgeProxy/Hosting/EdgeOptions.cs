namespace Platform.EdgeProxy.Hosting;

/// <summary>
/// What one edge proxy needs: its region, where it listens, the region's nodes (tried first) and
/// the other regions' nodes (nearest first, used when the region is down), the token it reads
/// with upstream, and the bounds of its cache, watch buffer and admission control.
/// </summary>
public sealed record EdgeOptions
{
    public required string Region { get; init; }

    /// <summary>The HTTP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Where the edge listens: loopback locally, the machine's private address behind a load balancer.</summary>
    public System.Net.IPAddress ListenAddress { get; init; } = System.Net.IPAddress.Loopback;

    /// <summary>
    /// A second port that speaks HTTP/2 without TLS (prior knowledge), for fleets that multiplex
    /// thousands of reads and watches over a few connections; 0 for none. Kestrel offers HTTP/2 on a
    /// cleartext port only when it speaks nothing else.
    /// </summary>
    public int Http2Port { get; init; }

    /// <summary>Base URLs of the region's nodes.</summary>
    public required IReadOnlyList<Uri> RegionNodes { get; init; }

    /// <summary>Other regions' nodes, as (region, base URL), nearest region first.</summary>
    public IReadOnlyList<(string Region, Uri Url)> RemoteNodes { get; init; } = [];

    /// <summary>
    /// The edge's own token (reader of every namespace at least): the one cached copy of a value
    /// serves every client, so it is fetched under the edge's name and each client is authorized
    /// locally against its own token's grants.
    /// </summary>
    public required string Token { get; init; }

    /// <summary>What all cached values may cost in memory; beyond it the least recently read are dropped (a later read fetches again).</summary>
    public long CacheBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Events kept per namespace for watchers that reconnect (and the bytes they may hold).</summary>
    public int WatchBufferEvents { get; init; } = 10_000;

    public long WatchBufferBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Requests in flight toward the region at once (misses, token checks, proxied requests).</summary>
    public int UpstreamConcurrency { get; init; } = 256;

    /// <summary>Requests allowed to wait for one of those slots; beyond, 429 at once.</summary>
    public int UpstreamQueue { get; init; } = 4096;

    /// <summary>Upstream-bound requests per second per token (misses and proxied requests; cache hits are free); 0 disables.</summary>
    public int TokenRate { get; init; } = 1000;

    public int TokenBurst { get; init; } = 2000;

    /// <summary>
    /// Checks of tokens the edge does not know, per client address and second: each costs the region
    /// a catalog read, so a flood of random tokens from one address is refused (429) past this rate.
    /// </summary>
    public int UnknownTokenChecksPerSecond { get; init; } = 20;

    public int UnknownTokenCheckBurst { get; init; } = 50;

    /// <summary>
    /// Watches (SSE and long polls) one token may hold open on this edge at once. A fleet often
    /// shares one token, so the default leaves room for 10,000 machines and their reconnects.
    /// </summary>
    public int MaxWatchesPerToken { get; init; } = 20_000;

    /// <summary>Watches one client address may hold open on this edge at once, whatever its tokens (a NAT may hide a fleet).</summary>
    public int MaxWatchesPerAddress { get; init; } = 20_000;

    /// <summary>A token check older than this is refreshed in the background.</summary>
    public TimeSpan TokenRefreshAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A token check older than this is not used at all, not even while the region is down (fail
    /// static serves stale values, never stale permissions): it is also how long fail static can
    /// last. While the region answers, a revocation reaches the edge within <see cref="TokenRefreshAfter"/>.
    /// </summary>
    public TimeSpan TokenMaxStaleness { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a fetch may take before the edge answers from its stale copy (or 503).</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>An upstream watch that brings nothing (not even progress) for this long is reopened.</summary>
    public TimeSpan WatchIdleLimit { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>A namespace nobody read or watched for this long gives up its upstream watch and cache.</summary>
    public TimeSpan NamespaceIdleLimit { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Active health checks of the nodes (<c>/readyz</c>).</summary>
    public TimeSpan HealthCheckInterval { get; init; } = TimeSpan.FromSeconds(2);
}
