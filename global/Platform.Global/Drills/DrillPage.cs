using System.Globalization;
using System.Net;
using System.Text;

namespace Platform.Global.Drills;

/// <summary>
/// Drill reports as one self-contained HTML page (inline styles, an inline SVG timeline of the
/// phases, no script, nothing fetched): what operators keep or mail after a drill.
/// </summary>
public static class DrillPage
{
    public static string Render(IReadOnlyList<DrillReportView> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Failover drills</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1f24}
            h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
            table{border-collapse:collapse;margin:.5rem 0 1rem}
            th,td{border:1px solid #c9d1d9;padding:.3rem .6rem;text-align:left;font-variant-numeric:tabular-nums}
            th{background:#f3f5f7}.pass{color:#116329;font-weight:600}.fail{color:#b42318;font-weight:600}
            .muted{color:#57606a}
            </style></head><body><h1>Failover drills</h1>
            """);
        if (reports.Count == 0)
        {
            html.Append("<p class=\"muted\">No drill has run yet.</p>");
        }

        foreach (var report in reports)
        {
            Report(html, report);
        }

        html.Append("</body></html>");
        return html.ToString();
    }

    private static void Report(StringBuilder html, DrillReportView report)
    {
        var verdict = report.Verdict ?? "pending";
        html.Append(CultureInfo.InvariantCulture, $"<h2>{E(report.Id)}: {E(report.Kind)} of {E(report.Region)}{(report.Target is { } t ? $" to {E(t)}" : string.Empty)}</h2>");
        html.Append(CultureInfo.InvariantCulture,
            $"<p>State <b>{E(report.State)}</b>, verdict <span class=\"{(verdict == "pass" ? "pass" : verdict == "fail" ? "fail" : "muted")}\">{E(verdict)}</span>; run by {E(report.RunBy)}, started {report.StartedAt:u}{(report.FinishedAt is { } f ? $", finished {f:u}" : string.Empty)}.</p>");
        if (report.Problem is { } problem)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"fail\">{E(problem)}</p>");
        }

        html.Append("<table><tr><th>namespace</th><th>old home (epoch)</th><th>new home (epoch)</th><th>RTO</th><th>realized RPO</th><th>configured RPO</th><th>acknowledged writes lost</th><th>unacknowledged lost</th><th>writes paused</th><th>probe writes / errors</th><th>verdict</th></tr>");
        foreach (var ns in report.Namespaces)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(ns.Namespace)}</td><td>{E(ns.OldHome)} ({ns.OldEpoch})</td><td>{E(ns.NewHome ?? "-")} ({(ns.NewEpoch is { } e ? e.ToString(CultureInfo.InvariantCulture) : "-")})</td>" +
                $"<td>{Ms(ns.RtoMs)}</td><td>{Ms(ns.RpoRealizedMs)}</td><td>{Ms(ns.RpoMs)}</td><td>{ns.LostWrites?.ToString(CultureInfo.InvariantCulture) ?? "-"}</td>" +
                $"<td>{ns.UnacknowledgedLost?.ToString(CultureInfo.InvariantCulture) ?? "-"}</td><td>{Ms(ns.PausedMs)}</td><td>{ns.ProbeWrites} / {ns.ProbeErrors}</td>" +
                $"<td class=\"{(ns.Verdict == "pass" ? "pass" : "fail")}\">{E(ns.Verdict ?? "-")}{(ns.Problem is { } p ? $"<br><span class=\"muted\">{E(p)}</span>" : string.Empty)}</td></tr>");
        }

        html.Append("</table>");
        Timeline(html, report);
        html.Append("<table><tr><th>phase</th><th>started (UTC)</th><th>duration</th><th>detail</th></tr>");
        foreach (var phase in report.Phases)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(phase.Name)}</td><td>{phase.StartedAt:HH:mm:ss.fff}</td><td>{Ms(phase.DurationMs)}</td><td>{E(phase.Detail ?? string.Empty)}</td></tr>");
        }

        html.Append("</table>");
    }

    /// <summary>The phases as bars on one time axis.</summary>
    private static void Timeline(StringBuilder html, DrillReportView report)
    {
        if (report.Phases.Count == 0)
        {
            return;
        }

        var start = report.Phases.Min(p => p.StartedAt);
        var end = report.Phases.Max(p => p.StartedAt + TimeSpan.FromMilliseconds(p.DurationMs ?? 0));
        var span = Math.Max(1, (end - start).TotalMilliseconds);
        const int Width = 720;
        const int Label = 200;
        const int Row = 22;
        html.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width + Label + 80}\" height=\"{(report.Phases.Count * Row) + 24}\" role=\"img\" aria-label=\"phases\">");
        for (var i = 0; i < report.Phases.Count; i++)
        {
            var phase = report.Phases[i];
            var x = Label + ((phase.StartedAt - start).TotalMilliseconds / span * Width);
            var w = Math.Max(2, (phase.DurationMs ?? 0) / span * Width);
            var y = i * Row;
            html.Append(CultureInfo.InvariantCulture,
                $"<text x=\"0\" y=\"{y + 15}\" font-size=\"12\">{E(phase.Name)}</text><rect x=\"{x:0.#}\" y=\"{y + 4}\" width=\"{w:0.#}\" height=\"14\" fill=\"{(phase.Detail?.StartsWith("failed", StringComparison.Ordinal) == true ? "#d92d20" : "#2f81f7")}\"/>" +
                $"<text x=\"{x + w + 4:0.#}\" y=\"{y + 15}\" font-size=\"11\" fill=\"#57606a\">{Ms(phase.DurationMs)}</text>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<text x=\"{Label}\" y=\"{(report.Phases.Count * Row) + 18}\" font-size=\"11\" fill=\"#57606a\">0 to {span / 1000:0.0} s</text></svg>");
    }

    private static string Ms(double? ms) => ms is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value:0} ms") : "-";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
