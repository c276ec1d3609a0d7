using System.Diagnostics.Metrics;

namespace Platform.EdgeProxy.Observability;

/// <summary>Why a read was answered the way it was (<c>X-Config-Cache</c>, the <c>cache</c> label).</summary>
public enum CacheOutcome
{
    Hit,
    Miss,
    Coalesced,
    Stale,
}

/// <summary>What the edge asked the region for (the <c>kind</c> label).</summary>
public enum UpstreamKind
{
    Fetch,
    Watch,
    Auth,
    Catalog,
}

/// <summary>
/// The edge's instruments under the Prometheus names of docs/api.md (Metrics). A cache hit only
/// increments a plain counter; the instruments are observed from those counts when scraped, so
/// the hot path pays no per-request tag lookup.
/// </summary>
public sealed class EdgeMetrics
{
    public const string MeterName = "Platform.EdgeProxy";

    private static readonly KeyValuePair<string, object?>[][] CacheTags =
        [.. Enum.GetValues<CacheOutcome>().Select(o => new[] { new KeyValuePair<string, object?>("cache", Text(o)) })];

    private static readonly KeyValuePair<string, object?>[][] KindTags =
        [.. Enum.GetValues<UpstreamKind>().Select(k => new[] { new KeyValuePair<string, object?>("kind", Text(k)) })];

    private readonly long[] requestCounts = new long[4];
    private readonly long[] upstreamCounts = new long[4];
    private long openWatchers;

    public EdgeMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter("platform_edge_requests", () => Observe(requestCounts, CacheTags), description: "Reads answered by the edge, by cache outcome.");
        meter.CreateObservableCounter("platform_edge_upstream_requests", () => Observe(upstreamCounts, KindTags), description: "Requests the edge sent to the region, by kind.");
        meter.CreateObservableUpDownCounter("platform_watchers", () => Watchers, description: "Open downstream watches served by this edge.");
    }

    private static IEnumerable<Measurement<long>> Observe(long[] counts, KeyValuePair<string, object?>[][] tags)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            yield return new Measurement<long>(Interlocked.Read(ref counts[i]), tags[i]);
        }
    }

    public void Read(CacheOutcome outcome)
    {
        Interlocked.Increment(ref requestCounts[(int)outcome]);
    }

    public void Upstream(UpstreamKind kind)
    {
        Interlocked.Increment(ref upstreamCounts[(int)kind]);
    }

    public void WatcherOpened()
    {
        Interlocked.Increment(ref openWatchers);
    }

    public void WatcherClosed()
    {
        Interlocked.Decrement(ref openWatchers);
    }

    public long Reads(CacheOutcome outcome) => Interlocked.Read(ref requestCounts[(int)outcome]);

    public long UpstreamRequests(UpstreamKind kind) => Interlocked.Read(ref upstreamCounts[(int)kind]);

    public long Watchers => Interlocked.Read(ref openWatchers);

    public static string Text(CacheOutcome outcome) => outcome switch
    {
        CacheOutcome.Hit => "hit",
        CacheOutcome.Miss => "miss",
        CacheOutcome.Coalesced => "coalesced",
        _ => "stale",
    };

    public static string Text(UpstreamKind kind) => kind switch
    {
        UpstreamKind.Fetch => "fetch",
        UpstreamKind.Watch => "watch",
        UpstreamKind.Auth => "auth",
        _ => "catalog",
    };
}
