using System.Globalization;

namespace Platform.Regional.Api.Problems;

/// <summary>
/// A refusal with one of the stable codes of docs/api.md (Errors); routes turn it into an
/// RFC 9457 problem answer. Every code except <c>OutcomeUnknown</c> means nothing changed.
/// </summary>
public sealed class ApiProblemException : Exception
{
    private ApiProblemException(int status, string code, string title, string detail, TimeSpan? retryAfter = null, IReadOnlyDictionary<string, object>? extensions = null)
        : base(detail)
    {
        Status = status;
        Code = code;
        Title = title;
        RetryAfter = retryAfter;
        Extensions = extensions ?? new Dictionary<string, object>();
    }

    public int Status { get; }

    public string Code { get; }

    public string Title { get; }

    /// <summary>Sent as <c>Retry-After</c> (whole seconds, at least 1) on 429 and 503 answers.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Extra members of the problem object (for example <c>compactRevision</c>).</summary>
    public IReadOnlyDictionary<string, object> Extensions { get; }

    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(1);

    public static ApiProblemException InvalidKey(string detail) => new(400, "InvalidKey", "The key is not valid", detail);

    public static ApiProblemException InvalidNamespace(string detail) => new(400, "InvalidNamespace", "The namespace name is not valid", detail);

    public static ApiProblemException InvalidRequest(string detail) => new(400, "InvalidRequest", "The request is not valid", detail);

    public static ApiProblemException Unauthorized(string detail) => new(401, "Unauthorized", "A valid bearer token is required", detail);

    public static ApiProblemException Forbidden(string detail) => new(403, "Forbidden", "The token does not grant this", detail);

    public static ApiProblemException KeyNotFound(string ns, string key) => new(404, "KeyNotFound", "No such key", $"key '{key}' does not exist in namespace '{ns}'");

    public static ApiProblemException NamespaceNotFound(string ns) => new(404, "NamespaceNotFound", "No such namespace", $"namespace '{ns}' does not exist");

    public static ApiProblemException NotFound(string detail) => new(404, "NotFound", "Not found", detail);

    public static ApiProblemException FencedEpoch(string detail) => new(409, "FencedEpoch", "This region does not accept writes for the namespace", detail);

    public static ApiProblemException Compacted(long compactRevision) =>
        new(410, "Compacted", "The revision was compacted", $"revisions before {compactRevision.ToString(CultureInfo.InvariantCulture)} were compacted; relist",
            extensions: new Dictionary<string, object> { ["compactRevision"] = compactRevision });

    public static ApiProblemException Diverged(string detail) => new(410, "Diverged", "The revision lies past a fork point", detail);

    public static ApiProblemException PreconditionFailed(string detail) => new(412, "PreconditionFailed", "The precondition does not hold", detail);

    public static ApiProblemException ValueTooLarge(string detail) => new(413, "ValueTooLarge", "The value is too large", detail);

    public static ApiProblemException RequestTooLarge(string detail) => new(413, "RequestTooLarge", "The request is too large", detail);

    public static ApiProblemException Overloaded(string detail) => new(429, "Overloaded", "Too many requests", detail, Soon);

    public static ApiProblemException NoLeader(string detail) => new(503, "NoLeader", "The group has no leader", detail, Soon);

    public static ApiProblemException QuorumUnavailable(string detail) => new(503, "QuorumUnavailable", "No quorum is reachable", detail, Soon);

    public static ApiProblemException RpoExceeded(string detail, TimeSpan retryAfter) =>
        new(503, "RpoExceeded", "Replication lags past the namespace's RPO", detail, retryAfter);

    public static ApiProblemException NotCaughtUp(string detail) => new(503, "NotCaughtUp", "This node has not applied the revision yet", detail, Soon);

    public static ApiProblemException OutcomeUnknown(string detail) =>
        new(503, "OutcomeUnknown", "The write may or may not have committed", detail + "; retry with the same Idempotency-Key", Soon);
}
