using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Platform.EdgeProxy.Pipeline;

/// <summary>A duration in a query string (<c>&lt;n&gt;ms|s|m</c>, as docs/api.md writes them), with a default and a ceiling.</summary>
public static class DurationQuery
{
    public static TimeSpan Parse(StringValues text, string name, TimeSpan fallback, TimeSpan most)
    {
        var value = text.ToString();
        if (value.Length == 0)
        {
            return fallback;
        }

        var (number, unit) = value.EndsWith("ms", StringComparison.Ordinal) ? (value[..^2], 1.0)
            : value.EndsWith('s') ? (value[..^1], 1000.0)
            : value.EndsWith('m') ? (value[..^1], 60_000.0)
            : (string.Empty, 0.0);
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || unit == 0)
        {
            throw EdgeProblem.Invalid($"{name} is a duration like 500ms, 30s or 1m");
        }

        var wait = TimeSpan.FromMilliseconds(amount * unit);
        return wait > most ? most : wait;
    }
}
