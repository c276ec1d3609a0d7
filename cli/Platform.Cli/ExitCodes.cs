namespace Platform.Cli;

/// <summary>The exit codes of every <c>platform</c> command (docs/api.md, Commands).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int PreconditionFailed = 4;
    public const int Unavailable = 5;
}
