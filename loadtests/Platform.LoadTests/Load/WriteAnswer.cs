using System.Text.Json;

namespace Platform.LoadTests.Load;

/// <summary>
/// The answer to one write: its HTTP status and, for a refusal, the problem's <c>code</c>
/// (docs/api.md, Errors): during a failover a 503 means different things (NoLeader: never accepted;
/// OutcomeUnknown: accepted, fate unknown), so the status alone would not say what happened.
/// </summary>
public readonly record struct WriteAnswer(int Status, string? Code)
{
    public bool Acknowledged => Status is >= 200 and < 300;

    /// <summary>How the write failed, as a report counts it ("HTTP 503 NoLeader"); null when it was acknowledged.</summary>
    public string? Failure => Acknowledged ? null : Code is null ? $"HTTP {Status}" : $"HTTP {Status} {Code}";

    /// <summary>The <c>code</c> member of a problem+json body, or null when the body is not such a problem.</summary>
    public static string? ReadCode(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.ValueKind == JsonValueKind.Object
                && problem.RootElement.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's or the runtime's own error page): the status is all there is.
            return null;
        }
    }
}
