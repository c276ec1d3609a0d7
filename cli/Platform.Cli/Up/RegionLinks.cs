using System.Globalization;

namespace Platform.Cli.Up;

/// <summary>
/// How <c>platform up</c> connects its regions: every node's inter-region address, the simulated
/// WAN round trip, and a secret made for this run (given to the nodes in their environment, never
/// on the command line, and never written to disk).
/// </summary>
public sealed class RegionLinks(IReadOnlyList<LocalRegion> regions, TimeSpan wanRoundTrip, string secret, int? globalVoters = null)
{
    public const string SecretVariable = "PLATFORM_INTER_REGION_SECRET";

    public string Secret { get; } = secret;

    /// <summary><c>region/node=url</c> for every node of every region.</summary>
    public string Peers => string.Join(',', regions.SelectMany(r => r.Nodes).Select(n => $"{n.Region}/{n.Name}={n.InterRegionUrl}"));

    public IEnumerable<string> ArgumentsFor(LocalNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        string[] voters = globalVoters is { } count ? ["--global-voters", count.ToString(CultureInfo.InvariantCulture)] : [];
        return
        [
            "--inter-region-port", node.InterRegionPort.ToString(CultureInfo.InvariantCulture),
            "--peers", Peers,
            "--wan-rtt", $"{(long)wanRoundTrip.TotalMilliseconds}ms",
            .. voters,
        ];
    }
}
