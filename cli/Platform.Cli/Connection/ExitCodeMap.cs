namespace Platform.Cli.Connection;

/// <summary>Which exit code (docs/api.md, Commands) an HTTP refusal becomes.</summary>
public static class ExitCodeMap
{
    public static int ForStatus(int status) => status switch
    {
        404 => ExitCodes.NotFound,
        // 409 is FencedEpoch: like a failed precondition, the write was refused for where it was sent.
        409 or 412 => ExitCodes.PreconditionFailed,
        // 502 and 504 come from a proxy in front of a node that is down or slow: retry later, as for 503.
        429 or 502 or 503 or 504 => ExitCodes.Unavailable,
        _ => ExitCodes.Error,
    };
}
