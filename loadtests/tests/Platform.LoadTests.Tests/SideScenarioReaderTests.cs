using Platform.LoadTests.Report;

namespace Platform.LoadTests.Tests;

public sealed class SideScenarioReaderTests : IDisposable
{
    private readonly string results = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    public SideScenarioReaderTests() => Directory.CreateDirectory(results);

    public void Dispose() => Directory.Delete(results, recursive: true);

    private void Write(string scenario, string json)
    {
        Directory.CreateDirectory(Path.Combine(results, scenario));
        File.WriteAllText(Path.Combine(results, scenario, $"{scenario}-report.json"), json);
    }

    [Fact]
    public void Missing_reports_show_nothing()
    {
        Assert.Empty(SideScenarioReader.Read(results));
    }

    [Fact]
    public void The_herd_shows_each_target_s_medians_and_replication_each_copy_s_lag_with_their_dates()
    {
        Write("herd", """
            {"machine":{"date":"2026-11-27T12:00:00+00:00"},"rows":[
              {"round":1,"target":"edge","clients":10000,"keysPerClient":10,"failedClients":0,"regionReads":10,"p50Ms":900,"allConfiguredMs":1200},
              {"round":2,"target":"edge","clients":10000,"keysPerClient":10,"failedClients":0,"regionReads":12,"p50Ms":1100,"allConfiguredMs":1400},
              {"round":1,"target":"nodes","clients":10000,"keysPerClient":10,"failedClients":0,"regionReads":100000,"p50Ms":2000,"allConfiguredMs":3000}]}
            """);
        Write("replication", """
            {"machine":{"date":"2026-11-26T03:57:49+00:00"},"lags":[
              {"cluster":"3 x 3","region":"us-east","lag":{"p50Ms":51.7,"p99Ms":98.2},"writesPerSecond":999.4,"eventsNotSeen":0}]}
            """);

        var others = SideScenarioReader.Read(results);

        Assert.Equal(["Cold-start herd through the edge", "Replication lag under 1,000 writes/s, `--wan-rtt 80ms`"], others.Select(o => o.Title));
        var herd = others[0];
        Assert.Equal("2026-11-27", herd.Date);
        Assert.Contains(herd.Figures, f => f.What.Contains("edge (2 rounds", StringComparison.Ordinal) && f.Figure.StartsWith("whole fleet configured after 1300.00 ms", StringComparison.Ordinal) && f.Figure.Contains("11 reads reached", StringComparison.Ordinal));
        Assert.Contains(herd.Figures, f => f.What.Contains("nodes (1 rounds", StringComparison.Ordinal) && f.Figure.Contains("100,000 reads", StringComparison.Ordinal));
        var lag = Assert.Single(others[1].Figures);
        Assert.Equal(("3 x 3, copy in us-east", "p50 51.70 ms, p99 98.20 ms at 999 writes/s; 0 events not seen"), (lag.What, lag.Figure));
        Assert.Equal("2026-11-26", others[1].Date);
    }
}
