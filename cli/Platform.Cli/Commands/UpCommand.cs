using System.CommandLine;
using Platform.Cli.Up;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform up</c>: starts a whole local platform (docs/api.md, Commands): every node of every
/// region as a child process, until Ctrl+C or SIGTERM.
/// </summary>
public static class UpCommand
{
    public static Command Create()
    {
        var regions = new Option<string>("--regions")
        {
            Description = "Comma-separated region names, one Orleans cluster each.",
            DefaultValueFactory = _ => "eu-west,us-east,ap-south",
        };
        var nodes = new Option<int>("--nodes")
        {
            Description = "Nodes per region (the voters of each regional Raft group).",
            DefaultValueFactory = _ => 3,
        };
        var wanRtt = new Option<string>("--wan-rtt")
        {
            Description = "Round-trip delay added to every cross-region call (<n>ms|s|m).",
            DefaultValueFactory = _ => "0ms",
        };
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "Where nodes keep their write-ahead logs and snapshots; survives restarts.",
            DefaultValueFactory = _ => ".platform",
        };
        var basePort = new Option<int>("--base-port")
        {
            Description = "First port of the layout (0 picks free ports).",
            DefaultValueFactory = _ => 7100,
        };
        var edgePort = new Option<int>("--edge-port")
        {
            Description = "Port of the first region's edge proxy; the next regions take the following ports.",
            DefaultValueFactory = _ => 8080,
        };
        var clustering = new Option<ClusteringKind>("--clustering")
        {
            Description = "Orleans membership: embedded (a file under --data-dir) or azurite (Azure Table Storage).",
            DefaultValueFactory = _ => ClusteringKind.Embedded,
        };
        var chaos = new Option<bool>("--chaos") { Description = "Enable the /v1/chaos routes." };
        var globalVoters = new Option<int?>("--global-voters") { Description = "Nodes of each region that vote in the strong-global groups (default: all; the others hold learners)." };

        var command = new Command("up", "Start a whole local platform: every node of every region, plus one edge proxy per region.")
        {
            regions, nodes, wanRtt, dataDir, basePort, edgePort, clustering, chaos, globalVoters,
        };

        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (!DurationText.TryParse(parseResult.GetValue(wanRtt), out var wanRoundTrip))
            {
                error.WriteLine("--wan-rtt: expected a duration such as 0ms, 40ms or 1s.");
                return ExitCodes.Usage;
            }

            var options = new UpOptions(
                (parseResult.GetValue(regions) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                parseResult.GetValue(nodes),
                wanRoundTrip,
                parseResult.GetValue(dataDir) ?? string.Empty,
                parseResult.GetValue(basePort),
                parseResult.GetValue(edgePort),
                parseResult.GetValue(clustering),
                parseResult.GetValue(chaos),
                parseResult.GetValue(globalVoters));

            var problems = options.Validate();
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    error.WriteLine(problem);
                }

                return ExitCodes.Usage;
            }

            if (options.Regions.Count > 1 || options.WanRoundTrip > TimeSpan.Zero)
            {
                output.WriteLine("note: the regions are linked (signed HTTP/2, with --wan-rtt on every cross-region call); the catalog and strong-global namespaces are shared by all regions; a local-commit namespace commits in its home region, which ships its changes to a copy in every other region.");
            }

            return new UpRunner(options, output, error).Run();
        });

        return command;
    }
}
