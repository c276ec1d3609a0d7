using Platform.Cli.Up;
using Platform.Global.Transport;

namespace Platform.Cli.Commands;

/// <summary>Turns <c>platform node</c>'s inter-region arguments into the transport's options, or says what is wrong.</summary>
public static class InterRegionArguments
{
    public static (InterRegionOptions? Options, string? Problem) Parse(string region, string node, int port, string? peers, string? wanRtt, IReadOnlyList<string> pairs, string? secretHex)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (string.IsNullOrEmpty(secretHex) || secretHex.Length < 32 || !IsHex(secretHex))
        {
            return (null, $"--inter-region-port needs the deployment secret (at least 16 bytes, hex) in {RegionLinks.SecretVariable}.");
        }

        if (!DurationText.TryParse(wanRtt, out var roundTrip))
        {
            return (null, "--wan-rtt is a duration like 80ms.");
        }

        var endpoints = new List<PeerEndpoint>();
        foreach (var entry in (peers ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('=', 2);
            var who = parts[0].Split('/');
            if (parts.Length != 2 || who.Length != 2 || !Uri.TryCreate(parts[1], UriKind.Absolute, out var address))
            {
                return (null, $"--peers entry '{entry}' is not region/node=http://host:port.");
            }

            endpoints.Add(new PeerEndpoint(who[0], who[1], address));
        }

        var overrides = new Dictionary<(string, string), TimeSpan>();
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=', 2);
            var regions = parts[0].Split(':');
            if (parts.Length != 2 || regions.Length != 2 || !DurationText.TryParse(parts[1], out var pairRoundTrip))
            {
                return (null, $"--wan-rtt-pair '{pair}' is not a:b=120ms.");
            }

            overrides[(regions[0], regions[1])] = pairRoundTrip;
        }

        return (new InterRegionOptions
        {
            Region = region,
            NodeName = node,
            Port = port,
            Secret = Convert.FromHexString(secretHex),
            Peers = endpoints,
            WanRoundTrip = roundTrip,
            PairRoundTrips = overrides,
        }, null);
    }

    private static bool IsHex(string text) => text.Length % 2 == 0 && text.All(Uri.IsHexDigit);
}
