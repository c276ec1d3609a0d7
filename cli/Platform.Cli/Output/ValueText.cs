using System.Text;

namespace Platform.Cli.Output;

/// <summary>How a value's raw bytes are shown: as text when they are valid UTF-8, otherwise as binary.</summary>
public static class ValueText
{
    // Strict: an invalid byte sequence throws instead of silently becoming U+FFFD.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The value as text, or null when the bytes are not valid UTF-8.</summary>
    public static string? AsUtf8(ReadOnlySpan<byte> value)
    {
        try
        {
            return StrictUtf8.GetString(value);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// The value on one line (for watch and history): text with line breaks and tabs escaped, or
    /// <c>base64:...</c> for binary, so that one event is always one line.
    /// </summary>
    public static string OneLine(ReadOnlySpan<byte> value) =>
        AsUtf8(value) is { } text ? Escape(text) : "base64:" + Convert.ToBase64String(value);

    /// <summary>A one-line preview for tables: <see cref="OneLine"/> cut at <paramref name="maxChars"/>, or the size of a binary value.</summary>
    public static string Preview(ReadOnlySpan<byte> value, int maxChars)
    {
        if (AsUtf8(value) is not { } text)
        {
            return $"<binary, {value.Length} bytes>";
        }

        var line = Escape(text);
        return line.Length <= maxChars ? line : line[..Math.Max(0, maxChars - 3)] + "...";
    }

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\t", "\\t", StringComparison.Ordinal);
}
