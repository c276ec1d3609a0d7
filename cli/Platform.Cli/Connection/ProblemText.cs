using System.Globalization;
using Platform.Client;

namespace Platform.Cli.Connection;

/// <summary>
/// What a command prints on stderr for a problem answer (RFC 9457): first <c>code: detail</c>
/// (scripts may match the stable code before the colon), then, for the codes a person can act on,
/// one <c>hint:</c> line saying what to do next.
/// </summary>
public static class ProblemText
{
    public static string Describe(PlatformProblemException problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var first = $"{problem.Code}: {problem.Detail ?? problem.Title ?? $"HTTP {problem.Status}"}";
        return Hint(problem) is { } hint ? $"{first}{Environment.NewLine}hint: {hint}" : first;
    }

    /// <summary>The next step for <paramref name="problem"/>'s code; null when the detail says it all.</summary>
    public static string? Hint(PlatformProblemException problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return problem.Code switch
        {
            "Unauthorized" => "the token was not accepted: pass --token, or run where ./.platform/cluster.json holds the admin token.",
            "Forbidden" => "the token's grants do not cover this; an admin can mint a wider one: platform token create NAME --grant 'NS*=writer'.",
            "NamespaceNotFound" => "platform ns ls lists the namespaces; platform ns create NS --mode local-commit|strong-global makes one.",
            "KeyNotFound" => "platform kv ls NS lists the keys.",
            "FencedEpoch" => "the namespace's home moved (a failover or switchover): platform ns get NS shows the new home; retry the write.",
            "PreconditionFailed" => "the key changed since that revision: read it again (platform kv get) and retry with its mod-revision.",
            "Compacted" => problem.CompactRevision is { } floor
                ? $"history before revision {floor.ToString(CultureInfo.InvariantCulture)} was compacted: list again and watch from the listing's revision."
                : "that history was compacted: list again and watch from the listing's revision.",
            "Diverged" => "a failover discarded that history: read the keys again.",
            "ValueTooLarge" or "RequestTooLarge" => "the value is over the platform's size limit (docs/api.md, Limits).",
            "OutcomeUnknown" => "the write may or may not have committed: read the key before writing it again.",
            "Overloaded" or "NoLeader" or "QuorumUnavailable" or "NotCaughtUp" or "RpoExceeded" => RetryLater(problem.RetryAfter),
            _ => null,
        };
    }

    private static string RetryLater(TimeSpan? retryAfter) => retryAfter is { } wait
        ? $"retry in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture)} s (the server's Retry-After); exit code 5 means the same to a script."
        : "retry later; exit code 5 means the same to a script.";
}
