using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.LoadTests.Cluster;

/// <summary>
/// What an edge's Prometheus <c>/metrics</c> said at one moment: reads by cache outcome, requests it
/// sent to the region by kind, and its open downstream watches. Read as a scraper would, so the
/// figures are the edge's own account, not the harness's. A series the edge has not exported yet
/// (no watcher ever opened, say) reads 0.
/// </summary>
public sealed partial record EdgeMetricsSnapshot(
    long Hits,
    long Misses,
    long Coalesced,
    long Stale,
    long Fetches,
    long Watches,
    long Auths,
    long Catalogs,
    long Watchers)
{
    public static async Task<EdgeMetricsSnapshot> ReadAsync(HttpClient http, Uri edge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var text = await http.GetStringAsync(new Uri(edge, "/metrics"), cancellationToken);
        return Parse(text);
    }

    /// <summary>Parses the Prometheus text format; the exporter may append a timestamp after the value (docs/pitfalls.md, The build machine).</summary>
    public static EdgeMetricsSnapshot Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var series = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#' || Sample().Match(line) is not { Success: true } sample)
            {
                continue;
            }

            var label = Label().Match(sample.Groups["labels"].Value);
            var key = sample.Groups["name"].Value + (label.Success ? $"/{label.Groups[1].Value}" : string.Empty);
            if (double.TryParse(sample.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                series[key] = series.GetValueOrDefault(key) + (long)value;
            }
        }

        long Of(string key) => series.GetValueOrDefault(key);
        return new EdgeMetricsSnapshot(
            Of("platform_edge_requests_total/hit"),
            Of("platform_edge_requests_total/miss"),
            Of("platform_edge_requests_total/coalesced"),
            Of("platform_edge_requests_total/stale"),
            Of("platform_edge_upstream_requests_total/fetch"),
            Of("platform_edge_upstream_requests_total/watch"),
            Of("platform_edge_upstream_requests_total/auth"),
            Of("platform_edge_upstream_requests_total/catalog"),
            Of("platform_watchers"));
    }

    // name{labels} value [timestamp]
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})?\s+(?<value>\S+)")]
    private static partial Regex Sample();

    // The one label the edge's series are told apart by (otel_scope_name is the same on all of them).
    [GeneratedRegex(@"(?:cache|kind)=""([^""]*)""")]
    private static partial Regex Label();
}
