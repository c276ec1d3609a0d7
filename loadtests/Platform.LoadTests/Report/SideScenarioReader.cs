using System.Globalization;
using System.Text.Json;

namespace Platform.LoadTests.Report;

/// <summary>One figure of another scenario's report, as the dated report shows it.</summary>
public sealed record SideFigure(string What, string Figure);

/// <summary>The headline figures of another scenario's latest report: where they come from and when they were measured.</summary>
public sealed record SideScenario(string Title, string Source, string Date, IReadOnlyList<SideFigure> Figures);

/// <summary>
/// Reads the headline figures of the scenarios the versus run does not repeat, from their latest
/// reports: the cold-start herd (results/herd/herd-report.json) and replication lag under load with
/// --wan-rtt 80ms (results/replication/replication-report.json). Their dates are shown, as they were not
/// measured in the same run; a report that is missing is simply not shown.
/// </summary>
public static class SideScenarioReader
{
    public static IReadOnlyList<SideScenario> Read(string resultsDirectory)
    {
        var found = new List<SideScenario>();
        if (Open(resultsDirectory, "herd") is { } herd)
        {
            using (herd.Document)
            {
                found.Add(new SideScenario("Cold-start herd through the edge", herd.Source, herd.Date, Herd(herd.Document.RootElement)));
            }
        }

        if (Open(resultsDirectory, "replication") is { } replication)
        {
            using (replication.Document)
            {
                found.Add(new SideScenario("Replication lag under 1,000 writes/s, `--wan-rtt 80ms`", replication.Source, replication.Date, Replication(replication.Document.RootElement)));
            }
        }

        return found;
    }

    private static (JsonDocument Document, string Source, string Date)? Open(string resultsDirectory, string scenario)
    {
        var path = Path.Combine(resultsDirectory, scenario, $"{scenario}-report.json");
        if (!File.Exists(path))
        {
            return null;
        }

        var document = JsonDocument.Parse(File.ReadAllText(path));
        var date = document.RootElement.TryGetProperty("machine", out var machine) && machine.TryGetProperty("date", out var when) && when.TryGetDateTimeOffset(out var at)
            ? at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : "unknown";
        return (document, $"results/{scenario}/{scenario}-report.json", date);
    }

    /// <summary>Per target (edge, nodes): the median over the rounds of the time the whole fleet had its configuration, and of the reads that reached the region.</summary>
    private static List<SideFigure> Herd(JsonElement root)
    {
        if (!root.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. rows.EnumerateArray()
            .GroupBy(r => r.GetProperty("target").GetString() ?? "?")
            .Select(g => new SideFigure(
                Units.Invariant($"{g.First().GetProperty("clients").GetInt32():N0} clients x {g.First().GetProperty("keysPerClient").GetInt32()} cold keys, {g.Key} ({g.Count()} rounds, medians)"),
                Units.Invariant($"whole fleet configured after {Units.Ms(Median(g.Select(r => Number(r, "allConfiguredMs"))))} (p50 client {Units.Ms(Median(g.Select(r => Number(r, "p50Ms"))))}); {Median(g.Select(r => Number(r, "regionReads"))):N0} reads reached the region; {g.Sum(r => r.GetProperty("failedClients").GetInt32())} clients failed")))];
    }

    /// <summary>Per cluster and region: the lag's p50 and p99 from the acknowledgement at the home to the event on a watch there.</summary>
    private static List<SideFigure> Replication(JsonElement root)
    {
        if (!root.TryGetProperty("lags", out var lags) || lags.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return [.. lags.EnumerateArray().Select(l => new SideFigure(
            $"{l.GetProperty("cluster").GetString()}, copy in {l.GetProperty("region").GetString()}",
            Units.Invariant($"p50 {Units.Ms(Number(l.GetProperty("lag"), "p50Ms"))}, p99 {Units.Ms(Number(l.GetProperty("lag"), "p99Ms"))} at {Number(l, "writesPerSecond"):N0} writes/s; {l.GetProperty("eventsNotSeen").GetInt32()} events not seen")))];
    }

    private static double Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.NaN;

    private static double Median(IEnumerable<double> values) => FigureSummary.Of("median", "", values.Select(v => (double?)v)).Median;
}
