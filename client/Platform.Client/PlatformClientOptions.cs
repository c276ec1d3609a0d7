namespace Platform.Client;

/// <summary>
/// How a <see cref="PlatformClient"/> reaches the platform: the endpoints it may use (nodes or edge
/// proxies of several regions, best first), its token, and how it retries. The defaults are what a
/// service wants: retries of reads, and of writes that carry an <c>Idempotency-Key</c> (which the
/// client adds), with exponential backoff and full jitter that honours <c>Retry-After</c>; failover
/// to the next endpoint when one cannot be reached; reads that never go back in time.
/// </summary>
public sealed class PlatformClientOptions
{
    /// <summary>Nodes or edges, best first (the local edge, then the local nodes, then other regions').</summary>
    public IReadOnlyList<Uri> Endpoints { get; set; } = [];

    /// <summary>Sent as <c>Authorization: Bearer</c> on every request.</summary>
    public string? Token { get; set; }

    /// <summary>Tries per request, the first included; 1 turns retries off.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first retry waits up to this (full jitter), each later one up to twice as long.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>No backoff waits longer than this, unless the server's <c>Retry-After</c> says so.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one try may wait for an answer's headers before it counts as failed (a frozen node
    /// accepts connections and never answers); a watch's stream, once open, is not bounded by it.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An endpoint that failed is passed over for this long before it is preferred again.</summary>
    public TimeSpan EndpointCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Every read of a namespace presents the highest revision this client has seen of it
    /// (<c>minRevision</c>), so moving between regions or edges never shows an older state.
    /// </summary>
    public bool MonotonicReads { get; set; } = true;

    /// <summary>Writes without an <c>Idempotency-Key</c> get one, so they too can be retried safely.</summary>
    public bool AddIdempotencyKeys { get; set; } = true;

    /// <summary>The clock of backoff waits (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>One endpoint, no retries, no added headers: what the two-argument constructors give.</summary>
    internal static PlatformClientOptions Plain(Uri endpoint, string? token) => new()
    {
        Endpoints = [endpoint],
        Token = token,
        MaxAttempts = 1,
        AttemptTimeout = TimeSpan.FromSeconds(100),
        MonotonicReads = false,
        AddIdempotencyKeys = false,
    };
}
