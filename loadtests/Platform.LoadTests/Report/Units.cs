using System.Globalization;

namespace Platform.LoadTests.Report;

/// <summary>Every figure of the markdown reports with its unit; a missing figure reads "n/a", never 0.</summary>
public static class Units
{
    public static string Ms(double milliseconds) => Valid(milliseconds) ? Invariant($"{milliseconds:F2} ms") : "n/a";

    public static string Seconds(double? seconds) => seconds is { } s && Valid(s) ? Invariant($"{s:F2} s") : "n/a";

    public static string PerSecond(double rate, string what) => Valid(rate) ? Invariant($"{rate:N0} {what}/s") : "n/a";

    public static string MiB(double? mebibytes) => mebibytes is { } m && Valid(m) ? Invariant($"{m:F1} MiB") : "n/a";

    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static bool Valid(double value) => !double.IsNaN(value) && !double.IsInfinity(value);
}
