using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Requests;

namespace Platform.Regional.Api.Routes;

/// <summary>Reading what a request carries, refusing what breaks the contract before it is read.</summary>
public static class HttpInput
{
    /// <summary>The most a JSON body (a transaction above all) may hold.</summary>
    public const int MaxJsonBody = 4 << 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowTrailingCommas = false };

    /// <summary>
    /// Reads a body of at most <paramref name="limit"/> bytes. A declared Content-Length above the
    /// limit is refused without reading a byte; a chunked body is cut off at the limit.
    /// </summary>
    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, int limit, Func<string, ApiProblemException> tooLarge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(tooLarge);
        if (request.ContentLength > limit)
        {
            throw tooLarge($"the body holds {request.ContentLength} bytes; the limit is {limit}");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + 1L;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw tooLarge($"the body holds more than {limit} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a JSON body into <typeparamref name="T"/>; the wrong media type or malformed JSON is InvalidRequest.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasJsonContentType())
        {
            throw ApiProblemException.InvalidRequest("send the body as application/json");
        }

        var bytes = await ReadBodyAsync(request, MaxJsonBody, ApiProblemException.RequestTooLarge, cancellationToken);
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, Json) ?? throw ApiProblemException.InvalidRequest("the body is JSON null");
        }
        catch (JsonException malformed)
        {
            throw ApiProblemException.InvalidRequest($"the body is not valid JSON for this route: {malformed.Message}");
        }
    }

    /// <summary>The conditions of a key write: <c>If-Match: "&lt;rev&gt;"</c>, <c>If-None-Match: *</c>, <c>Idempotency-Key</c>.</summary>
    public static WriteConditions Conditions(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        long? ifMatch = null;
        var match = request.Headers.IfMatch.ToString();
        if (match.Length > 0)
        {
            var bare = match.StartsWith("W/", StringComparison.Ordinal) ? match[2..] : match;
            bare = bare.Trim().Trim('"');
            ifMatch = long.TryParse(bare, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
                ? revision
                : throw ApiProblemException.InvalidRequest("If-Match is a quoted modRevision, like \"42\"");
        }

        var noneMatch = request.Headers.IfNoneMatch.ToString();
        if (noneMatch.Length > 0 && noneMatch.Trim() != "*")
        {
            throw ApiProblemException.InvalidRequest("If-None-Match accepts only * (create only)");
        }

        var idempotency = request.Headers["Idempotency-Key"].ToString();
        return new WriteConditions(ifMatch, noneMatch.Length > 0, idempotency.Length == 0 && !request.Headers.ContainsKey("Idempotency-Key") ? null : idempotency);
    }

    public static Consistency ParseConsistency(string? text) => text switch
    {
        null or "" or "linearizable" => Consistency.Linearizable,
        "serializable" or "cached" => Consistency.Serializable,
        _ => throw ApiProblemException.InvalidRequest("consistency is linearizable, serializable or cached"),
    };

    public static long? ParseRevision(string? text, string name) =>
        string.IsNullOrEmpty(text) ? null
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw ApiProblemException.InvalidRequest($"{name} is a revision number");

    public static int ParseLimit(string? text, int fallback) =>
        string.IsNullOrEmpty(text) ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw ApiProblemException.InvalidRequest("limit is a number");

    public static TimeSpan ParseWait(string? text, TimeSpan fallback, TimeSpan max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        var wait = Namespaces.NamespaceText.ParseDuration(text) ?? throw ApiProblemException.InvalidRequest("durations are like 500ms, 30s or 1m");
        return wait > max ? max : wait;
    }
}
