using Platform.LoadTests.Load;
using Platform.LoadTests.Report;

namespace Platform.LoadTests.Tests;

/// <summary>The dated report's tables, ratios and goal verdicts, from figures the test makes up.</summary>
public sealed class VersusMarkdownTests
{
    private static readonly MachineInfo Machine = new(2, "Linux", "X64", ".NET 10", new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero), "abc1234", "1.00 1.00 1.00");

    [Fact]
    public void A_phase_shows_each_systems_median_and_range_over_rounds_and_the_ratio_on_the_platforms_row()
    {
        var phase = Phase("write-distinct-c64", "Writes, distinct keys", "closed loop, 64 writer(s)",
            Platform: [Run(3000, 2) with { HarnessCpuSeconds = 0.3 }, Run(3300, 2) with { HarnessCpuSeconds = 0.33 }, Run(2700, 2) with { HarnessCpuSeconds = 0.27 }],
            Etcd: [Run(1500, 4), Run(1400, 4), Run(1600, 4)]);

        var markdown = VersusMarkdown.Render(Report([phase], kills: []), "2026-11-27");

        Assert.Contains("## Writes, distinct keys", markdown, StringComparison.Ordinal);
        Assert.Contains("| closed loop, 64 writer(s) | platform | 3,000 (2,700-3,300) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| closed loop, 64 writer(s) | etcd | 1,500 (1,400-1,600) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 100 us | 2.00x ops/s, 0.50x p99 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 0 | n/a |  |", markdown, StringComparison.Ordinal);
        Assert.Contains("[svg](2026-11-27/write-distinct-c64.svg)", markdown, StringComparison.Ordinal);
        Assert.Contains("2026-11-27 10:00 UTC; commit abc1234", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Goals_are_met_or_missed_by_how_much()
    {
        var writes64 = Phase("write-distinct-c64", "Writes, distinct keys", "c64", Platform: [Run(1200, 2)], Etcd: [Run(1000, 2)]);
        var writes1 = Phase("write-distinct-c1", "Writes, distinct keys", "c1", Platform: [Run(500, 1)], Etcd: [Run(400, 2)]);
        var reads = Phase("read-serializable-c64", "Reads", "ser", Platform: [Run(30_000, 1)], Etcd: [Run(10_000, 1)]);
        FigureSummary[] kills = [FigureSummary.Of("platform", "s", [0.6]), FigureSummary.Of("etcd", "s", [1.6])];

        var goals = VersusGoals.Judge([writes64, writes1, reads], kills, edge: null);

        Assert.Equal(false, goals[0].Met);
        Assert.Contains("missed by 20%", goals[0].Shortfall, StringComparison.Ordinal);
        Assert.Equal(true, goals[1].Met);
        Assert.Equal(true, goals[2].Met);
        Assert.Null(goals[3].Met);
        Assert.Equal(true, goals[4].Met);
        Assert.Contains("median 0.60 s vs 1.60 s", goals[4].Measured, StringComparison.Ordinal);
    }

    [Fact]
    public void Conflicts_get_a_column_and_failures_a_line_only_where_there_are_any()
    {
        var cas = Phase("cas-c16", "CAS transactions", "c16", Platform: [Run(400, 10) with { Conflicts = 77 }], Etcd: [Run(800, 5) with { Errors = 3, FirstFailure = "gRPC Unavailable" }]);

        var markdown = VersusMarkdown.Render(Report([cas], kills: []), "d");

        Assert.Contains("CAS conflicts", markdown, StringComparison.Ordinal);
        Assert.Contains("| 0 | 77 |", markdown, StringComparison.Ordinal);
        Assert.Contains("- c16, etcd: 3 error(s), 0 in warm-up; first: `gRPC Unavailable`", markdown, StringComparison.Ordinal);
        Assert.True(Report([cas], kills: []).Failed, "an unexpected error fails the run");
    }

    private static VersusReport Report(IReadOnlyList<VersusPhase> phases, IReadOnlyList<FigureSummary> kills) =>
        new(Machine, VersusParameters.Defaults, true, new Dictionary<string, string> { ["platform"] = "up", ["etcd"] = "etcd.sh" }, phases, [], kills, null, VersusGoals.Judge(phases, kills, null), [], []);

    private static VersusPhase Phase(string id, string group, string load, IReadOnlyList<MeasuredRun> Platform, IReadOnlyList<MeasuredRun> Etcd) =>
        new(id, group, load, true, [PhaseSystem.Of("platform", Platform), PhaseSystem.Of("etcd", Etcd)]);

    /// <summary>A run of 1 s with <paramref name="ops"/> acknowledged operations, every one taking <paramref name="latencyMs"/>.</summary>
    private static MeasuredRun Run(long ops, long latencyMs)
    {
        var histogram = LatencyHistograms.Create();
        histogram.RecordValueWithCount(latencyMs * 1000, ops);
        return new MeasuredRun("closed", 64, null, 1, ops, 0, 0, 0, 0, null, HistogramSummary.Of(histogram)) { Histogram = histogram };
    }
}
