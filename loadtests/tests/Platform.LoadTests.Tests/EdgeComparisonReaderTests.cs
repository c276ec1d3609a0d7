using Platform.LoadTests.Report;

namespace Platform.LoadTests.Tests;

public sealed class EdgeComparisonReaderTests : IDisposable
{
    private readonly string results = Path.Combine(Path.GetTempPath(), "platform-loadtests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(results))
        {
            Directory.Delete(results, recursive: true);
        }
    }

    [Fact]
    public void Rounds_of_each_connection_count_become_one_row_of_medians_with_the_reports_date()
    {
        Directory.CreateDirectory(Path.Combine(results, "edge"));
        File.WriteAllText(Path.Combine(results, "edge", "edge-report.json"), """
            { "machine": { "date": "2026-11-20T08:59:46+00:00" },
              "cachedReads": [
                { "connections": 64, "edge": { "requestsPerSecond": 900, "p99Ms": 4 }, "nginx": { "requestsPerSecond": 1000, "p99Ms": 5 } },
                { "connections": 64, "edge": { "requestsPerSecond": 1200, "p99Ms": 2 }, "nginx": { "requestsPerSecond": 1000, "p99Ms": 3 } },
                { "connections": 64, "edge": { "requestsPerSecond": 1100, "p99Ms": 3 }, "nginx": { "requestsPerSecond": 1000, "p99Ms": 4 } },
                { "connections": 1000, "edge": null, "nginx": { "requestsPerSecond": 1000, "p99Ms": 5 } } ] }
            """);

        var edge = EdgeComparisonReader.Read(results)!;

        Assert.Equal("2026-11-20", edge.Date);
        var row = Assert.Single(edge.Rows);
        Assert.Equal(64, row.Connections);
        Assert.Equal(3, row.Rounds);
        Assert.Equal(1100, row.EdgeRps);
        Assert.Equal(1.1, row.RatioMedian, 1e-9);
        Assert.Equal(3, row.EdgeP99Ms);
    }

    [Fact]
    public void No_edge_report_means_no_comparison()
    {
        Assert.Null(EdgeComparisonReader.Read(results));
    }

    [Fact]
    public void The_committed_edge_report_reads()
    {
        var committed = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "results"));
        Assert.SkipUnless(File.Exists(Path.Combine(committed, "edge", "edge-report.json")), $"no edge report under {committed}");

        var edge = EdgeComparisonReader.Read(committed)!;

        Assert.NotEmpty(edge.Rows);
        Assert.All(edge.Rows, r => Assert.True(r.EdgeRps > 0 && r.NginxRps > 0 && r.RatioMedian > 0));
    }
}
