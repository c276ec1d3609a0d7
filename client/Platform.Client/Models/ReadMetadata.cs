namespace Platform.Client.Models;

/// <summary>
/// The headers every read answer carries (docs/api.md, Headers): <c>X-Config-Revision</c> (the namespace
/// revision the answer reflects), <c>X-Config-Region</c>, the value's <c>ETag</c>, and from an edge
/// <c>X-Config-Cache</c>, <c>X-Config-Stale</c> with <c>Age</c>, and <c>X-Config-Lag-Ms</c>.
/// </summary>
public sealed record ReadMetadata(
    long? Revision,
    string? Region,
    string? ETag,
    string? Cache,
    bool Stale,
    TimeSpan? Age,
    long? LagMs);

/// <summary>A read's body together with the headers it came with.</summary>
public sealed record ReadResult<T>(T Value, ReadMetadata Metadata);
