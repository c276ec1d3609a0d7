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
/// The edge's instruments under the Prometheus names of shared/API.md (Metrics), and plain counts
/// that tests and the benchmark read without scraping.
/// </summary>
public sealed class EdgeMetrics
{
    public const string MeterName = "Platform.EdgeProxy";

    private static readonly KeyValuePair<string, object?>[][] CacheTags =
        [.. Enum.GetValues<CacheOutcome>().Select(o => new[] { new KeyValuePair<string, object?>("cache", Text(o)) })];

    private static readonly KeyValuePair<string, object?>[][] KindTags =
        [.. Enum.GetValues<UpstreamKind>().Select(k => new[] { new KeyValuePair<string, object?>("kind", Text(k)) })];

    private readonly Counter<long> requests;
    private readonly Counter<long> upstream;
    private readonly UpDownCounter<long> watchers;
    private readonly long[] requestCounts = new long[4];
    private readonly long[] upstreamCounts = new long[4];
    private long openWatchers;

    public EdgeMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        requests = meter.CreateCounter<long>("platform_edge_requests", description: "Reads answered by the edge, by cache outcome.");
        upstream = meter.CreateCounter<long>("platform_edge_upstream_requests", description: "Requests the edge sent to the region, by kind.");
        watchers = meter.CreateUpDownCounter<long>("platform_watchers", description: "Open downstream watches served by this edge.");
    }

    public void Read(CacheOutcome outcome)
    {
        Interlocked.Increment(ref requestCounts[(int)outcome]);
        requests.Add(1, CacheTags[(int)outcome]);
    }

    public void Upstream(UpstreamKind kind)
    {
        Interlocked.Increment(ref upstreamCounts[(int)kind]);
        upstream.Add(1, KindTags[(int)kind]);
    }

    public void WatcherOpened()
    {
        Interlocked.Increment(ref openWatchers);
        watchers.Add(1);
    }

    public void WatcherClosed()
    {
        Interlocked.Decrement(ref openWatchers);
        watchers.Add(-1);
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
