using System.Globalization;

namespace Platform.EdgeProxy.Caching;

/// <summary>
/// What the edge knows of one key: its value and metadata, or that it does not exist (a negative
/// entry), as of namespace revision <see cref="ObservedAt"/>. Revisions carry their epoch in the
/// high bits (<c>epoch * 2^40 + sequence</c>), so comparing them compares (epoch, revision).
/// </summary>
public sealed class CachedValue
{
    private CachedValue(bool exists, byte[] value, string contentType, long createRevision, long modRevision, long version, long observedAt)
    {
        Exists = exists;
        Value = value;
        ContentType = contentType;
        CreateRevision = createRevision;
        ModRevision = modRevision;
        Version = version;
        ObservedAt = observedAt;
        LearnedAt = Environment.TickCount64;
        ETag = exists ? "\"" + modRevision.ToString(CultureInfo.InvariantCulture) + "\"" : string.Empty;
    }

    public bool Exists { get; }

    public byte[] Value { get; }

    public string ContentType { get; }

    public long CreateRevision { get; }

    public long ModRevision { get; }

    public long Version { get; }

    /// <summary>The namespace revision this knowledge reflects: a newer one replaces it, an older one never does.</summary>
    public long ObservedAt { get; }

    /// <summary>When the edge learned it (monotonic milliseconds), for <c>Age</c> on a stale answer.</summary>
    public long LearnedAt { get; }

    /// <summary>When a client last read it (monotonic ms): the cache's byte bound evicts the least recently read first.</summary>
    public long LastRead { get; set; } = Environment.TickCount64;

    /// <summary>The quoted modRevision, computed once: a hit sends it without formatting.</summary>
    public string ETag { get; }

    /// <summary>Roughly what the entry costs in memory, for the benchmark's per-key figure and the cache bound.</summary>
    public long Size => 96 + Value.Length + (ContentType.Length * 2) + (ETag.Length * 2);

    public static CachedValue Present(byte[] value, string contentType, long createRevision, long modRevision, long version, long observedAt) =>
        new(true, value, contentType, createRevision, modRevision, version, observedAt);

    public static CachedValue Absent(long observedAt) => new(false, [], string.Empty, 0, 0, 0, observedAt);
}
