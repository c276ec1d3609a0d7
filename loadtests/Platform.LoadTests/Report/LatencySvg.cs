using System.Globalization;
using System.Security;
using System.Text;
using Platform.LoadTests.Load;

namespace Platform.LoadTests.Report;

/// <summary>
/// A chart of latency distributions as a self-contained SVG (no package, no script): one percentile curve
/// per system, latency (ms, linear) against the percentile on a log axis of 1/(1-p), so the tail from
/// p50 to p99.99 gets as much room as the body, as HdrHistogram's own plots do.
/// </summary>
public static class LatencySvg
{
    private const int Width = 720;
    private const int Height = 400;
    private const int Left = 70;
    private const int Right = 150;
    private const int Top = 40;
    private const int Bottom = 50;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

    /// <summary>The SVG of <paramref name="series"/> (name to its curve); a series without points is listed as "no data".</summary>
    public static string Render(string title, IReadOnlyList<(string Name, IReadOnlyList<PercentilePoint> Points)> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var decades = Math.Max(1, series.SelectMany(s => s.Points).Select(p => (int)Math.Ceiling(X(p.Percentile) - 1e-9)).DefaultIfEmpty(4).Max());
        var top = NiceMax(series.SelectMany(s => s.Points).Select(p => p.LatencyMs).DefaultIfEmpty(1).Max());
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double Px(double percentile) => Left + (X(percentile) / decades * plotWidth);
        double Py(double ms) => Top + plotHeight - (ms / top * plotHeight);

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{SecurityElement.Escape(title)}</text>\n"));

        // Vertical grid at p0, p90, p99, ...: one per decade of 1/(1-p).
        for (var decade = 0; decade <= decades; decade++)
        {
            var x = Left + ((double)decade / decades * plotWidth);
            svg.Append(Invariant($"<line x1=\"{x:F1}\" y1=\"{Top}\" x2=\"{x:F1}\" y2=\"{Top + plotHeight}\" stroke=\"#ddd\"/>\n"));
            svg.Append(Invariant($"<text x=\"{x:F1}\" y=\"{Top + plotHeight + 18}\" text-anchor=\"middle\">{PercentileLabel(decade)}</text>\n"));
        }

        for (var tick = 0; tick <= 5; tick++)
        {
            var ms = top * tick / 5;
            var y = Py(ms);
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Left + plotWidth}\" y2=\"{y:F1}\" stroke=\"#eee\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{ms:0.###}</text>\n"));
        }

        svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"none\" stroke=\"#888\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Left + (plotWidth / 2)}\" y=\"{Height - 12}\" text-anchor=\"middle\">percentile (log scale of 1/(1-p))</text>\n"));
        svg.Append(Invariant($"<text x=\"16\" y=\"{Top + (plotHeight / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {Top + (plotHeight / 2)})\">latency (ms)</text>\n"));

        for (var i = 0; i < series.Count; i++)
        {
            var (name, points) = series[i];
            var color = Colors[i % Colors.Length];
            if (points.Count > 0)
            {
                var coordinates = string.Join(' ', points.Select(p => Invariant($"{Px(p.Percentile):F1},{Py(p.LatencyMs):F1}")));
                svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{coordinates}\"/>\n"));
            }

            var legendY = Top + 10 + (i * 20);
            svg.Append(Invariant($"<line x1=\"{Left + plotWidth + 12}\" y1=\"{legendY}\" x2=\"{Left + plotWidth + 32}\" y2=\"{legendY}\" stroke=\"{color}\" stroke-width=\"3\"/>\n"));
            svg.Append(Invariant($"<text x=\"{Left + plotWidth + 38}\" y=\"{legendY + 4}\">{SecurityElement.Escape(name)}{(points.Count == 0 ? " (no data)" : string.Empty)}</text>\n"));
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>The chart's x of a percentile: log10(1/(1-p)), 0 at p0, 2 at p99.</summary>
    public static double X(double percentile) => percentile >= 100 ? 6 : Math.Log10(1 / (1 - (percentile / 100)));

    private static string PercentileLabel(int decade) => decade switch
    {
        0 => "0%",
        1 => "90%",
        _ => Invariant($"{100 * (1 - Math.Pow(10, -decade)):0.#####}%"),
    };

    /// <summary>The smallest of 1, 2, 5 times a power of ten at or above <paramref name="value"/>, so the y ticks are round.</summary>
    public static double NiceMax(double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in (double[])[1, 2, 5, 10])
        {
            if (step * power >= value)
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
