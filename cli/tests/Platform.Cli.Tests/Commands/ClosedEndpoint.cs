using Platform.Cli.Up;

namespace Platform.Cli.Tests.Commands;

/// <summary>
/// An address where nothing listens (a port just freed), so a command that gets past its usage checks
/// fails to connect: the way to tell usage errors (2) from attempts to reach the server (5) without one.
/// </summary>
internal static class ClosedEndpoint
{
    public static string[] Options() => ["--endpoint", $"http://127.0.0.1:{UpRunner.FreePort()}", "--token", "test-token"];

    public static string[] With(params string[] args) => [.. args, .. Options()];
}
