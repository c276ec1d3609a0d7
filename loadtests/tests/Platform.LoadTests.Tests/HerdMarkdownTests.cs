using System.Diagnostics;
using Platform.LoadTests.Load;
using Platform.LoadTests.Report;

namespace Platform.LoadTests.Tests;

public sealed class HerdMarkdownTests
{
    private static readonly MachineInfo Machine = new(2, "Linux", "X64", ".NET 10", new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero), "abc1234", "1.00 1.00 1.00");

    private static long Ticks(double ms) => (long)(ms * Stopwatch.Frequency / 1000);

    private static HerdRow Row(int round, string target, double allMs, long regionReads) =>
        HerdRow.From(round, target, 4, 10, new HerdOutcome([Ticks(allMs / 4), Ticks(allMs / 2), Ticks(allMs / 2), Ticks(allMs)], 40, 0, 0, new Dictionary<string, long> { ["200"] = 40 }), regionReads);

    [Fact]
    public void A_row_takes_its_percentiles_from_the_clients_times()
    {
        var row = Row(1, "edge", 800, 10);

        Assert.Equal(4, row.Configured);
        Assert.Equal(800, row.AllConfiguredMs, 1);
        Assert.Equal(400, row.P50Ms, 1);
    }

    [Fact]
    public void The_medians_over_the_rounds_compare_the_edge_with_the_nodes()
    {
        var report = new HerdReport(Machine, RunParameters.Defaults, "platform up", [Row(1, "edge", 800, 10), Row(1, "nodes", 2400, 40), Row(2, "edge", 1000, 10), Row(2, "nodes", 1600, 40), Row(3, "edge", 600, 10), Row(3, "nodes", 2000, 40)], []);

        var text = HerdMarkdown.Render(report);

        Assert.Contains("**edge 800.00 ms**, nodes 2000.00 ms (2.50x the edge's time)", text, StringComparison.Ordinal);
        Assert.Contains("| 2 | nodes | 4 | 0 | 40 | 0 | 40 |", text, StringComparison.Ordinal);
        Assert.False(report.Failed);
    }

    [Fact]
    public void A_client_that_never_got_its_configuration_fails_the_report()
    {
        var failed = HerdRow.From(1, "edge", 4, 10, new HerdOutcome([Ticks(5)], 60, 20, 3, new Dictionary<string, long> { ["429"] = 20 }), 10);

        Assert.True(new HerdReport(Machine, RunParameters.Defaults, "platform up", [failed], []).Failed);
    }
}
