namespace Platform.Cli.Up;

/// <summary>Prints what <c>platform up</c> will start, as the endpoint table it prints once it does.</summary>
public static class UpPlanPrinter
{
    public static void Print(UpOptions options, IReadOnlyList<LocalRegion> regions, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(output);

        var ports = options.BasePort == 0 ? "free ports chosen at start (--base-port 0)" : "the fixed layout below";
        output.WriteLine($"platform up: {regions.Count} region(s) x {options.NodesPerRegion} node(s), data in '{options.DataDirectory}', {options.Clustering.ToString().ToLowerInvariant()} clustering, {ports}.");
        output.WriteLine();
        output.WriteLine($"{"region",-12} {"process",-8} {"http",-24} {"silo",6} {"gateway",8}");
        foreach (var region in regions)
        {
            foreach (var node in region.Nodes)
            {
                output.WriteLine($"{region.Name,-12} {node.Name,-8} {Shown(node.HttpUrl, options.BasePort),-24} {Port(node.SiloPort, options.BasePort),6} {Port(node.GatewayPort, options.BasePort),8}");
            }

            output.WriteLine($"{region.Name,-12} {"inter",-8} {Shown(region.InterRegionUrl, options.BasePort),-24}");
            output.WriteLine($"{region.Name,-12} {"edge",-8} {Shown(region.EdgeUrl, options.EdgePort),-24}");
        }

        output.WriteLine();
        output.WriteLine("Nothing was started: the node host (Orleans silo + HTTP API) and the edge proxy are not built yet.");
        output.WriteLine("This command will start each process above as a child and write cluster.json once they exist.");
    }

    private static string Shown(string url, int configuredPort) => configuredPort == 0 ? "(free port)" : url;

    private static string Port(int port, int configuredPort) => configuredPort == 0 ? "-" : port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
