using System.Xml.Linq;
using Platform.LoadTests.Load;
using Platform.LoadTests.Report;

namespace Platform.LoadTests.Tests;

public sealed class LatencySvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Each_system_gets_a_curve_and_a_legend_entry_in_well_formed_svg()
    {
        IReadOnlyList<PercentilePoint> fast = [new(0, 1), new(90, 2), new(99, 4), new(99.9, 8)];
        IReadOnlyList<PercentilePoint> slow = [new(0, 2), new(90, 5), new(99, 9), new(99.9, 17)];

        var document = XDocument.Parse(LatencySvg.Render("writes <c=64> & more", [("platform", fast), ("etcd", slow)]));

        var lines = document.Descendants(Svg + "polyline").ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(4, lines[0].Attribute("points")!.Value.Split(' ').Length);
        var texts = document.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("writes <c=64> & more", texts);
        Assert.Contains("platform", texts);
        Assert.Contains("etcd", texts);
        Assert.Contains("99.9%", texts);
    }

    [Fact]
    public void A_higher_latency_is_drawn_higher_up_and_a_higher_percentile_further_right()
    {
        IReadOnlyList<PercentilePoint> curve = [new(0, 1), new(99, 10)];

        var document = XDocument.Parse(LatencySvg.Render("t", [("a", curve)]));

        var points = document.Descendants(Svg + "polyline").Single().Attribute("points")!.Value.Split(' ')
            .Select(p => p.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToList();
        Assert.True(points[1][0] > points[0][0]);
        Assert.True(points[1][1] < points[0][1], "SVG's y grows downwards: a longer latency has a smaller y");
    }

    [Fact]
    public void A_system_without_data_is_named_as_such_and_drawn_nowhere()
    {
        var document = XDocument.Parse(LatencySvg.Render("t", [("platform", []), ("etcd", [new(0, 1), new(50, 2)])]));

        Assert.Single(document.Descendants(Svg + "polyline"));
        Assert.Contains("platform (no data)", document.Descendants(Svg + "text").Select(t => t.Value));
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(90.0, 1.0)]
    [InlineData(99.0, 2.0)]
    [InlineData(99.99, 4.0)]
    public void The_x_axis_is_log10_of_one_over_one_minus_p(double percentile, double x)
    {
        Assert.Equal(x, LatencySvg.X(percentile), 1e-9);
    }

    [Theory]
    [InlineData(0.7, 1.0)]
    [InlineData(13.0, 20.0)]
    [InlineData(41.0, 50.0)]
    [InlineData(100.0, 100.0)]
    public void The_y_axis_ends_on_a_round_value(double max, double top)
    {
        Assert.Equal(top, LatencySvg.NiceMax(max), 1e-9);
    }
}
