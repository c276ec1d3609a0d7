using System.Text.RegularExpressions;

namespace Platform.Cli.Up;

public enum ClusteringKind
{
    Embedded,
    Azurite,
}

/// <summary>The validated options of <c>platform up</c> (docs/api.md, Commands).</summary>
public sealed partial record UpOptions(
    IReadOnlyList<string> Regions,
    int NodesPerRegion,
    TimeSpan WanRoundTrip,
    string DataDirectory,
    int BasePort,
    int EdgePort,
    ClusteringKind Clustering,
    bool Chaos,
    int? GlobalVoters = null)
{
    public const int MaxRegions = 9;
    public const int MaxNodesPerRegion = 7;

    // A region name is a DNS label, like the namespace names of docs/api.md (Limits).
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex RegionNamePattern();

    /// <summary>Checks every rule at once and returns the problems found, empty when the options are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Regions.Count == 0 || Regions.Count > MaxRegions)
        {
            problems.Add($"--regions needs 1 to {MaxRegions} region names.");
        }

        foreach (var region in Regions.Where(r => !RegionNamePattern().IsMatch(r)))
        {
            problems.Add($"--regions: '{region}' is not a region name (lower-case letters, digits and '-', at most 63).");
        }

        foreach (var duplicate in Regions.GroupBy(r => r, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"--regions: '{duplicate.Key}' is named twice.");
        }

        // Raft tolerates f failures with 2f+1 voters; an even count adds cost and no tolerance.
        if (NodesPerRegion < 1 || NodesPerRegion > MaxNodesPerRegion || NodesPerRegion % 2 == 0)
        {
            problems.Add($"--nodes must be odd, from 1 to {MaxNodesPerRegion} (3 or 5 in practice).");
        }

        if (GlobalVoters is { } voters && (voters < 1 || voters > NodesPerRegion))
        {
            problems.Add("--global-voters is from 1 to --nodes.");
        }

        if (WanRoundTrip < TimeSpan.Zero)
        {
            problems.Add("--wan-rtt cannot be negative.");
        }

        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            problems.Add("--data-dir cannot be empty.");
        }

        // Port 0 asks for free ports; otherwise the whole layout must fit below 65536.
        var highestPort = BasePort + ((MaxRegions - 1) * LocalTopology.RegionPortStride) + LocalTopology.GatewayPortOffset + MaxNodesPerRegion;
        if (BasePort != 0 && (BasePort < 1024 || highestPort > ushort.MaxValue))
        {
            problems.Add($"--base-port must be 0 (free ports) or from 1024 to {ushort.MaxValue - (highestPort - BasePort)}.");
        }

        if (EdgePort != 0 && (EdgePort < 1024 || EdgePort + Regions.Count - 1 + LocalRegion.EdgeHttp2Offset > ushort.MaxValue))
        {
            problems.Add("--edge-port must be 0 (free ports) or a port from 1024 that leaves room for one edge per region (and its HTTP/2 port, 1000 above).");
        }

        return problems;
    }
}
