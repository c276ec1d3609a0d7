using System.CommandLine;

namespace Platform.Cli.Connection;

/// <summary>
/// <c>--endpoint</c> and <c>--token</c>, shared by every client command. They are recursive, so they
/// may be given on a group (<c>platform kv --endpoint X get ...</c>) or on the command itself.
/// </summary>
public sealed class ClientOptions
{
    public Option<string?> Endpoint { get; } = new("--endpoint")
    {
        Description = "A node or edge proxy, e.g. http://127.0.0.1:7101 (default: the first node in ./.platform/cluster.json).",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Bearer token (default: the admin token in ./.platform/cluster.json).",
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Endpoint);
        command.Options.Add(Token);
    }
}
