using System.Globalization;
using System.Text.Json;

namespace Platform.LoadTests.Report;

/// <summary>
/// Reads the cached-read figures (edge against nginx) of the edge scenario's latest report,
/// results/edge/edge-report.json: the versus report shows them beside etcd's, with their date, as they
/// were not measured in the same run.
/// </summary>
public static class EdgeComparisonReader
{
    public static EdgeComparison? Read(string resultsDirectory)
    {
        var path = Path.Combine(resultsDirectory, "edge", "edge-report.json");
        if (!File.Exists(path))
        {
            return null;
        }

        using var report = JsonDocument.Parse(File.ReadAllText(path));
        var root = report.RootElement;
        var date = root.TryGetProperty("machine", out var machine) && machine.TryGetProperty("date", out var when) && when.TryGetDateTimeOffset(out var at)
            ? at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : "unknown";
        if (!root.TryGetProperty("cachedReads", out var reads) || reads.ValueKind != JsonValueKind.Array)
        {
            return new EdgeComparison(date, path, []);
        }

        var measured = reads.EnumerateArray()
            .Where(r => r.TryGetProperty("edge", out var e) && e.ValueKind == JsonValueKind.Object && r.TryGetProperty("nginx", out var n) && n.ValueKind == JsonValueKind.Object)
            .Select(r => (Connections: r.GetProperty("connections").GetInt32(), Edge: r.GetProperty("edge"), Nginx: r.GetProperty("nginx")))
            .ToList();
        var rows = measured.GroupBy(r => r.Connections).OrderBy(g => g.Key).Select(g => new EdgeComparisonRow(
            g.Key,
            g.Count(),
            Median(g.Select(r => r.Edge.GetProperty("requestsPerSecond").GetDouble())),
            Median(g.Select(r => r.Nginx.GetProperty("requestsPerSecond").GetDouble())),
            Median(g.Select(r => r.Edge.GetProperty("requestsPerSecond").GetDouble() / r.Nginx.GetProperty("requestsPerSecond").GetDouble())),
            Median(g.Select(r => r.Edge.GetProperty("p99Ms").GetDouble())),
            Median(g.Select(r => r.Nginx.GetProperty("p99Ms").GetDouble())))).ToList();
        return new EdgeComparison(date, "results/edge/edge-report.json", rows);
    }

    private static double Median(IEnumerable<double> values) => FigureSummary.Of("median", "", values.Select(v => (double?)v)).Median;
}
