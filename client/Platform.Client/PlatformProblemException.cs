using System.Net;
using System.Text.Json;

namespace Platform.Client;

/// <summary>
/// A request the platform refused: the HTTP status with the RFC 9457 problem the server sent
/// (<c>application/problem+json</c>: <c>type</c>, <c>title</c>, <c>status</c>, <c>detail</c> and a
/// stable <c>code</c>, docs/api.md, Errors). When the body is not a problem (a proxy's HTML page,
/// an empty 502), <see cref="Code"/> falls back to the status's name and <see cref="Detail"/> to
/// the start of the body, so callers can always print <c>code: detail</c>.
/// </summary>
public sealed class PlatformProblemException : Exception
{
    private const int MaxFallbackDetail = 200;

    public PlatformProblemException()
        : this(0, "Unknown", null, null)
    {
    }

    public PlatformProblemException(string message)
        : this(0, "Unknown", null, message)
    {
    }

    public PlatformProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "Unknown";
        Detail = message;
    }

    public PlatformProblemException(int status, string code, string? title, string? detail, string? type = null, TimeSpan? retryAfter = null, long? compactRevision = null)
        : base($"{code}: {detail ?? title ?? $"HTTP {status}"}")
    {
        Status = status;
        Code = code;
        Title = title;
        Detail = detail;
        Type = type;
        RetryAfter = retryAfter;
        CompactRevision = compactRevision;
    }

    /// <summary>The HTTP status code of the answer.</summary>
    public int Status { get; }

    /// <summary>The problem's stable <c>code</c> (KeyNotFound, PreconditionFailed, ...), or the status's name.</summary>
    public string Code { get; }

    public string? Title { get; }

    public string? Detail { get; }

    public string? Type { get; }

    /// <summary>The answer's <c>Retry-After</c>, when it had one (429 and 503 problems).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The <c>compactRevision</c> member of a 410 <c>Compacted</c> problem.</summary>
    public long? CompactRevision { get; }

    /// <summary>Builds the exception from an answer's status and body; never throws on a malformed body.</summary>
    internal static PlatformProblemException FromResponse(int status, string? mediaType, string? body, TimeSpan? retryAfter)
    {
        var fallbackCode = Enum.IsDefined((HttpStatusCode)status) ? ((HttpStatusCode)status).ToString() : $"Http{status}";
        if (TryReadJsonObject(mediaType, body) is { } problem)
        {
            using (problem)
            {
                var root = problem.RootElement;
                var code = ReadString(root, "code") ?? fallbackCode;
                return new PlatformProblemException(
                    status,
                    code,
                    ReadString(root, "title"),
                    ReadString(root, "detail"),
                    ReadString(root, "type"),
                    retryAfter,
                    root.TryGetProperty("compactRevision", out var compact) && compact.TryGetInt64(out var revision) ? revision : null);
            }
        }

        return new PlatformProblemException(status, fallbackCode, null, Summarize(body), retryAfter: retryAfter);
    }

    /// <summary>
    /// A JSON object body: always tried for problem+json and plain JSON, and for an unlabelled body
    /// that looks like an object (some middleware forgets the media type).
    /// </summary>
    private static JsonDocument? TryReadJsonObject(string? mediaType, string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        var json = mediaType is null
            || mediaType.EndsWith("/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        if (!json && !body.TrimStart().StartsWith('{'))
        {
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
            // Labelled JSON but is not: fall back to the text.
        }

        return null;
    }

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var member) && member.ValueKind == JsonValueKind.String ? member.GetString() : null;

    private static string? Summarize(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        var line = body.Trim().Split('\n', 2)[0].Trim();
        return line.Length <= MaxFallbackDetail ? line : line[..MaxFallbackDetail] + "...";
    }
}
