using System.CommandLine;
using Platform.Cli.Commands;

namespace Platform.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args, new InvocationConfiguration());

    /// <summary>Parses and runs one command line; tests pass their own writers in the configuration.</summary>
    public static int Run(string[] args, InvocationConfiguration configuration)
    {
        var root = new RootCommand("platform: a multi-region geo-replicated configuration store.")
        {
            UpCommand.Create(),
            NodeCommand.Create(),
            KvCommand.Create(),
            NsCommand.Create(),
            StatusCommand.Create(),
            TokenCommand.Create(),
            DrillCommand.Create(),
            EdgeCommand.Create(),
            CompletionCommand.Create(),
        };

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // Usage errors exit 2 (docs/api.md, Commands) rather than System.CommandLine's default of 1.
            parseResult.Invoke(configuration);
            return ExitCodes.Usage;
        }

        return parseResult.Invoke(configuration);
    }
}
