using System.Globalization;

namespace Platform.Cli.Up;

/// <summary>Durations as docs/api.md writes them: <c>&lt;n&gt;ms|s|m</c>, n a non-negative integer.</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var (digits, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], TimeSpan.FromMilliseconds(1)),
            _ when text.EndsWith('s') => (text[..^1], TimeSpan.FromSeconds(1)),
            _ when text.EndsWith('m') => (text[..^1], TimeSpan.FromMinutes(1)),
            _ => (string.Empty, TimeSpan.Zero),
        };

        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)
            || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count > TimeSpan.MaxValue.Ticks / scale.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks(count * scale.Ticks);
        return true;
    }
}
