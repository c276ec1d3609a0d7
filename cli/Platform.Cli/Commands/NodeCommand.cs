using System.CommandLine;
using Platform.Cli.Up;
using Platform.Regional.Hosting;
using Platform.Storage.Files;
using Platform.Storage.Wal;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform node</c>: runs one node (the issue "Regional service" builds the host), and
/// <c>platform node --check-wal DIR</c>: reports the health of a node's write-ahead log.
/// </summary>
public static class NodeCommand
{
    public static Command Create()
    {
        var checkWal = new Option<DirectoryInfo?>("--check-wal")
        {
            Description = "Report the health of the write-ahead log in DIR (a node's data directory or its wal/ folder); exit 0 healthy, 1 damaged.",
        };
        var region = new Option<string?>("--region") { Description = "The region this node belongs to." };
        var name = new Option<string?>("--name") { Description = "This node's name (the Orleans silo name), e.g. node-1." };
        var nodes = new Option<string?>("--nodes") { Description = "Comma-separated names of every node of the region, in order (node i hosts replica i)." };
        var dataDir = new Option<string>("--data-dir") { Description = "The platform's data directory; this node keeps <data-dir>/<region>/<name>/.", DefaultValueFactory = _ => ".platform" };
        var address = ListenAddress.Create(" and to advertise to the other nodes: HTTP, silo, gateway and inter-region ports");
        var httpPort = new Option<int>("--http-port") { Description = "HTTP port (on --address).", DefaultValueFactory = _ => 7101 };
        var siloPort = new Option<int>("--silo-port") { Description = "Orleans silo-to-silo port.", DefaultValueFactory = _ => 11101 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Orleans gateway port.", DefaultValueFactory = _ => 12101 };
        var groups = new Option<int>("--groups") { Description = "Consensus groups in the region.", DefaultValueFactory = _ => 4 };
        var clustering = new Option<string>("--clustering")
        {
            Description = "Cluster membership: embedded (a file under --data-dir), or azure-table (Azure Table Storage, or Azurite locally, also spelled azurite; the connection string from PLATFORM_AZURE_TABLES).",
            DefaultValueFactory = _ => "embedded",
        };
        var adminTokenHash = new Option<string?>("--admin-token-sha256")
        {
            Description = "SHA-256 (hex) of the bootstrap admin token, which may do anything; platform up passes the hash of the token in cluster.json.",
        };
        var edgeTokenHash = new Option<string?>("--edge-token-sha256")
        {
            Description = "SHA-256 (hex) of the edge proxies' token, a reader of every namespace and nothing more; platform up makes one each run.",
        };
        var interRegionPort = new Option<int?>("--inter-region-port") { Description = "Port of this node's inter-region endpoint (HTTP/2 on --address); with it the node joins the other regions (secret from PLATFORM_INTER_REGION_SECRET)." };
        var peers = new Option<string?>("--peers") { Description = "Every node's inter-region address: region/node=http://host:port,..." };
        var wanRtt = new Option<string>("--wan-rtt") { Description = "Round trip added to every cross-region call (e.g. 80ms).", DefaultValueFactory = _ => "0ms" };
        var wanRttPair = new Option<string[]>("--wan-rtt-pair") { Description = "Round trip for one pair of regions, overriding --wan-rtt: a:b=120ms (repeatable).", AllowMultipleArgumentsPerToken = false };
        var chaos = new Option<bool>("--chaos") { Description = "Serve the chaos routes (/v1/chaos/...): fault injection for drills and tests." };
        var autoFailoverAfter = new Option<string>("--auto-failover-after") { Description = "How long the home region of a namespace with autoFailover must stay unreachable before it is promoted elsewhere (<n>ms|s|m).", DefaultValueFactory = _ => "10s" };
        var globalVoters = new Option<int?>("--global-voters") { Description = "Nodes of each region (the first ones of --nodes) that vote in the strong-global groups; the others hold learners. Default: all." };
        var command = new Command("node", "Run one node (an Orleans silo with its replicas, and the HTTP routes), or check a node's write-ahead log.")
        {
            checkWal, region, name, nodes, dataDir, address, httpPort, siloPort, gatewayPort, groups, clustering, adminTokenHash, edgeTokenHash, interRegionPort, peers, wanRtt, wanRttPair, chaos, globalVoters, autoFailoverAfter,
        };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (parseResult.GetValue(checkWal) is { } directory)
            {
                return WalCheck.Run(directory.FullName, output, error);
            }

            var regionName = parseResult.GetValue(region);
            var nodeName = parseResult.GetValue(name);
            var regionNodes = (parseResult.GetValue(nodes) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (string.IsNullOrEmpty(regionName) || string.IsNullOrEmpty(nodeName) || !regionNodes.Contains(nodeName))
            {
                error.WriteLine("platform node needs --region, --name and --nodes (which must include --name), or --check-wal DIR.");
                return ExitCodes.Usage;
            }

            string? azureTables = null;
            switch (parseResult.GetValue(clustering))
            {
                case "embedded":
                    break;
                case "azure-table" or "azurite":
                    azureTables = Environment.GetEnvironmentVariable("PLATFORM_AZURE_TABLES");
                    if (string.IsNullOrEmpty(azureTables))
                    {
                        error.WriteLine($"--clustering {parseResult.GetValue(clustering)} needs the Azure Table Storage connection string in PLATFORM_AZURE_TABLES.");
                        return ExitCodes.Usage;
                    }

                    break;
                default:
                    error.WriteLine("--clustering is embedded, azure-table or azurite.");
                    return ExitCodes.Usage;
            }

            if (ListenAddress.Parse(parseResult.GetValue(address)!, out var addressProblem) is not { } listenAddress)
            {
                error.WriteLine(addressProblem);
                return ExitCodes.Usage;
            }

            var data = Path.GetFullPath(parseResult.GetValue(dataDir)!);
            var options = new NodeOptions
            {
                Region = regionName,
                NodeName = nodeName,
                DataDirectory = Path.Combine(data, regionName, nodeName),
                RegionNodes = regionNodes,
                Groups = parseResult.GetValue(groups),
                AdminTokenHash = parseResult.GetValue(adminTokenHash),
                EdgeTokenHash = parseResult.GetValue(edgeTokenHash),
                Chaos = parseResult.GetValue(chaos),
            };
            var endpoints = new NodeEndpoints(parseResult.GetValue(httpPort), parseResult.GetValue(siloPort), parseResult.GetValue(gatewayPort), listenAddress);
            INodeExtension? extension = null;
            if (parseResult.GetValue(interRegionPort) is { } port)
            {
                var links = InterRegionArguments.Parse(regionName, nodeName, port, parseResult.GetValue(peers), parseResult.GetValue(wanRtt), parseResult.GetValue(wanRttPair) ?? [], Environment.GetEnvironmentVariable(Up.RegionLinks.SecretVariable));
                if (links.Problem is { } problem)
                {
                    error.WriteLine(problem);
                    return ExitCodes.Usage;
                }

                var voters = parseResult.GetValue(globalVoters);
                if (voters is { } count && (count < 1 || count > regionNodes.Length))
                {
                    error.WriteLine($"--global-voters is from 1 to the region's {regionNodes.Length} nodes.");
                    return ExitCodes.Usage;
                }

                if (!DurationText.TryParse(parseResult.GetValue(autoFailoverAfter), out var unreachableFor) || unreachableFor < TimeSpan.FromSeconds(1))
                {
                    error.WriteLine("--auto-failover-after is a duration of at least 1s, like 10s.");
                    return ExitCodes.Usage;
                }

                extension = new Platform.Global.Hosting.GlobalNodeExtension(links.Options! with { GlobalVotersPerRegion = voters, AutoFailoverAfter = unreachableFor, ListenAddress = listenAddress });
            }

            using var host = NodeHost.Build(options, endpoints, Path.Combine(data, regionName, "membership.json"), azureTables, extension);
            host.Run();
            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>Reads a write-ahead log without changing it and prints what recovery would find.</summary>
public static class WalCheck
{
    public static int Run(string directory, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var walDirectory = Directory.Exists(Path.Combine(directory, "wal")) ? Path.Combine(directory, "wal") : directory;
        if (!Directory.Exists(walDirectory) || Directory.GetFiles(walDirectory, WalSegmentName.Pattern).Length == 0)
        {
            error.WriteLine($"no write-ahead log segments (*.wal) in '{walDirectory}'");
            return ExitCodes.Error;
        }

        var scan = WalReader.Scan(PhysicalFileSystem.Instance, walDirectory);
        output.WriteLine($"write-ahead log: {walDirectory}");
        output.WriteLine($"segments: {scan.Segments.Count}, records: {scan.Records}, bytes: {scan.Bytes}, last sequence: {scan.LastSequence}");
        foreach (var group in scan.Groups.Values.OrderBy(g => g.Group))
        {
            output.WriteLine($"group {group.Group}: term {group.HardState.Term}, commit {group.HardState.Commit}, entries {group.CompactedThrough + 1}..{group.LastIndex}");
        }

        output.WriteLine($"health: {scan.Health}");
        return scan.Health.Condition == WalCondition.Corrupted ? ExitCodes.Error : ExitCodes.Ok;
    }
}
