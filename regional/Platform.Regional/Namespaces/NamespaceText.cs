using System.Globalization;

namespace Platform.Regional.Namespaces;

/// <summary>The contract's spellings of modes, policies and durations (docs/api.md): <c>local-commit</c>, <c>5s</c>.</summary>
public static class NamespaceText
{
    public static string Mode(NamespaceMode mode) => mode == NamespaceMode.StrongGlobal ? "strong-global" : "local-commit";

    public static NamespaceMode? ParseMode(string? text) => text switch
    {
        "local-commit" => NamespaceMode.LocalCommit,
        "strong-global" => NamespaceMode.StrongGlobal,
        _ => null,
    };

    public static string Policy(RpoPolicy policy) => policy switch
    {
        RpoPolicy.Throttle => "throttle",
        RpoPolicy.Reject => "reject",
        _ => "alert",
    };

    public static RpoPolicy? ParsePolicy(string? text) => text switch
    {
        "alert" => RpoPolicy.Alert,
        "throttle" => RpoPolicy.Throttle,
        "reject" => RpoPolicy.Reject,
        _ => null,
    };

    /// <summary>Formats a duration as <c>&lt;n&gt;ms|s|m</c>, the largest unit that divides it.</summary>
    public static string Duration(TimeSpan duration)
    {
        var ms = (long)duration.TotalMilliseconds;
        return ms % 60_000 == 0 && ms != 0 ? $"{ms / 60_000}m"
            : ms % 1000 == 0 && ms != 0 ? $"{ms / 1000}s"
            : $"{ms}ms";
    }

    /// <summary>Parses <c>&lt;n&gt;ms|s|m</c> (n a non-negative integer); null when the text is not one.</summary>
    public static TimeSpan? ParseDuration(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var (digits, scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1L)
            : text.EndsWith('s') ? (text[..^1], 1000L)
            : text.EndsWith('m') ? (text[..^1], 60_000L)
            : (string.Empty, 0L);
        return scale > 0 && digits.Length is > 0 and <= 9 && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? TimeSpan.FromMilliseconds(n * scale)
            : null;
    }
}
