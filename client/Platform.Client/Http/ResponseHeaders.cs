using System.Globalization;
using System.Net.Http.Headers;
using Platform.Client.Models;

namespace Platform.Client.Http;

/// <summary>Reads the platform's read headers (docs/api.md, Headers) off an answer.</summary>
internal static class ResponseHeaders
{
    public static ReadMetadata ReadMetadata(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = response.Headers;
        return new ReadMetadata(
            Long(headers, "X-Config-Revision"),
            First(headers, "X-Config-Region"),
            headers.ETag?.Tag,
            First(headers, "X-Config-Cache"),
            string.Equals(First(headers, "X-Config-Stale"), "true", StringComparison.OrdinalIgnoreCase),
            headers.Age,
            Long(headers, "X-Config-Lag-Ms"));
    }

    /// <summary>The <c>Retry-After</c> of an answer as a delay from now, whether sent as seconds or as a date.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => null,
        };
    }

    private static string? First(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static long? Long(HttpResponseHeaders headers, string name) =>
        long.TryParse(First(headers, name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
}
