using System.Globalization;

namespace Platform.LoadTests.Report;

/// <summary>
/// Writes a versus report where the issue puts it: results/&lt;yyyy-MM-dd&gt;.md and .json (the raw figures),
/// and one SVG chart per phase in results/&lt;yyyy-MM-dd&gt;/, which the markdown links. A second run on the
/// same day replaces the first.
/// </summary>
public static class VersusFiles
{
    public sealed record Written(string Markdown, string Json, string ChartDirectory, IReadOnlyList<string> Charts);

    public static async Task<Written> WriteAsync(string resultsDirectory, VersusReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var date = report.Machine.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var chartDirectory = Path.Combine(resultsDirectory, date);
        Directory.CreateDirectory(chartDirectory);
        var charts = new List<string>();
        foreach (var phase in report.Phases)
        {
            var path = Path.Combine(chartDirectory, phase.Id + ".svg");
            var svg = LatencySvg.Render($"{phase.Group}: {phase.Load}", [.. phase.Systems.Select(s => (s.System, s.Curve))]);
            await File.WriteAllTextAsync(path, svg, cancellationToken);
            charts.Add(path);
        }

        var markdown = Path.Combine(resultsDirectory, date + ".md");
        var json = Path.Combine(resultsDirectory, date + ".json");
        await File.WriteAllTextAsync(markdown, VersusMarkdown.Render(report, date), cancellationToken);
        await File.WriteAllTextAsync(json, ReportJson.Serialize(report) + "\n", cancellationToken);
        return new Written(markdown, json, chartDirectory, charts);
    }
}
