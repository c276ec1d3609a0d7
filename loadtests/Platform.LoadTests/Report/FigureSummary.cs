namespace Platform.LoadTests.Report;

/// <summary>
/// One figure over repeated drills: median, min and max of the runs that reported it (NaN when none
/// did; a drill is a handful of samples, not a distribution, so no percentiles).
/// </summary>
/// <param name="Unit"><c>ms</c> or <c>writes</c>.</param>
/// <param name="Runs">How many runs reported the figure.</param>
/// <param name="GoalMs">The goal for this figure, when it has one; reported against, never asserted.</param>
public sealed record FigureSummary(string Figure, string Unit, int Runs, double Median, double Min, double Max, double? GoalMs)
{
    public static FigureSummary Of(string figure, string unit, IEnumerable<double?> values, double? goalMs = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var measured = values.OfType<double>().Order().ToList();
        if (measured.Count == 0)
        {
            return new FigureSummary(figure, unit, 0, double.NaN, double.NaN, double.NaN, goalMs);
        }

        // The mean of the middle two for an even count, as the failover report does.
        var middle = measured.Count / 2;
        var median = measured.Count % 2 == 1 ? measured[middle] : (measured[middle - 1] + measured[middle]) / 2;
        return new FigureSummary(figure, unit, measured.Count, median, measured[0], measured[^1], goalMs);
    }
}
