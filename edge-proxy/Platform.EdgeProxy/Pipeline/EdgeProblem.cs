using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Platform.EdgeProxy.Pipeline;

/// <summary>
/// A refusal the edge answers itself, as <c>application/problem+json</c> (RFC 9457) with the
/// stable codes of docs/api.md (Errors); nothing was changed by a request refused this way.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "Named for what it is to the client: a problem answer.")]
public sealed class EdgeProblem(int status, string code, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string Title { get; } = title;

    /// <summary>Sent as a jittered <c>Retry-After</c> on 429 and 503.</summary>
    public bool Retry { get; init; }

    public IReadOnlyDictionary<string, object?> Extensions { get; init; } = new Dictionary<string, object?>();

    public static EdgeProblem Unauthorized(string detail) => new(401, "Unauthorized", "Unauthorized", detail);

    public static EdgeProblem Forbidden(string detail) => new(403, "Forbidden", "Forbidden", detail);

    public static EdgeProblem Overloaded(string detail) => new(429, "Overloaded", "Too many requests", detail) { Retry = true };

    /// <summary>The region cannot be reached (or elects) and the edge has nothing it may serve instead.</summary>
    public static EdgeProblem Unavailable(string detail) => new(503, "NoLeader", "Region unavailable", detail) { Retry = true };

    public static EdgeProblem NotCaughtUp(string detail) => new(503, "NotCaughtUp", "Not caught up", detail) { Retry = true };

    public static EdgeProblem Compacted(long compactRevision) =>
        new(410, "Compacted", "Compacted", $"the edge no longer holds the events after revision {compactRevision - 1}; relist and watch again")
        {
            Extensions = new Dictionary<string, object?> { ["compactRevision"] = compactRevision },
        };

    public static EdgeProblem KeyNotFound(string ns, string key) => new(404, "KeyNotFound", "No such key", $"key '{key}' does not exist in namespace '{ns}'");

    public static EdgeProblem NamespaceNotFound(string ns) => new(404, "NamespaceNotFound", "No such namespace", $"namespace '{ns}' does not exist");

    public static EdgeProblem Invalid(string detail) => new(400, "InvalidRequest", "Invalid request", detail);

    public static EdgeProblem InvalidNamespace(string ns) =>
        new(400, "InvalidNamespace", "Invalid namespace name", $"'{ns}' is not a namespace name: 1 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit");

    /// <summary>Whole seconds from 1 to 3, at random, so a refused fleet does not come back in step.</summary>
    public static string JitteredRetryAfter() => Random.Shared.Next(1, 4).ToString(CultureInfo.InvariantCulture);

    public async Task WriteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        response.StatusCode = Status;
        response.ContentType = "application/problem+json";
        if (Retry)
        {
            response.Headers.RetryAfter = JitteredRetryAfter();
        }

        if (Status == 401)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        var body = new Dictionary<string, object?>
        {
            ["type"] = "https://platform.invalid/problems/" + Code,
            ["title"] = Title,
            ["status"] = Status,
            ["detail"] = Message,
            ["code"] = Code,
            ["instance"] = context.Request.Path.Value,
        };
        foreach (var (name, value) in Extensions)
        {
            body[name] = value;
        }

        await JsonSerializer.SerializeAsync(response.Body, body, cancellationToken: context.RequestAborted);
    }
}
