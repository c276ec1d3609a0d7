
namespace Platform.Global.Transport;

/// <summary>One node's inter-region endpoint, as the other regions reach it.</summary>
public sealed record PeerEndpoint(string Region, string Node, Uri Address);

/// <summary>
/// How this node talks to the other regions: its own inter-region port, every peer's address, the
/// deployment's shared secret, and the simulated wide-area round trip (<c>--wan-rtt</c>, with
/// per-pair overrides) added to every cross-region call.
/// </summary>
public sealed record InterRegionOptions
{
    public required string Region { get; init; }

    public required string NodeName { get; init; }

    /// <summary>The inter-region listener's port on 127.0.0.1 (HTTP/2 without TLS).</summary>
    public required int Port { get; init; }

    /// <summary>Where the inter-region listener binds: the node's own address (loopback locally).</summary>
    public System.Net.IPAddress ListenAddress { get; init; } = System.Net.IPAddress.Loopback;

    /// <summary>The per-deployment secret every inter-region request is signed with.</summary>
    public required byte[] Secret { get; init; }

    /// <summary>Every node of every region (this node's own entry included or not).</summary>
    public IReadOnlyList<PeerEndpoint> Peers { get; init; } = [];

    /// <summary>
    /// How many nodes of each region vote in the strong-global groups (the first ones of each
    /// region's list); the others hold learner replicas. Null: every node votes (3 x 3 = 9 voters).
    /// </summary>
    public int? GlobalVotersPerRegion { get; init; }

    /// <summary>How long a home region must stay unreachable before its namespaces with <c>autoFailover</c> are promoted elsewhere.</summary>
    public TimeSpan AutoFailoverAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Round trip added between any two different regions.</summary>
    public TimeSpan WanRoundTrip { get; init; }

    /// <summary>Round trips for particular pairs of regions (either order), overriding <see cref="WanRoundTrip"/>.</summary>
    public IReadOnlyDictionary<(string, string), TimeSpan> PairRoundTrips { get; init; } = new Dictionary<(string, string), TimeSpan>();

    /// <summary>The simulated round trip between this region and <paramref name="other"/>: zero inside a region.</summary>
    public TimeSpan RoundTripTo(string other) => RoundTripBetween(Region, other);

    /// <summary>The simulated round trip between two regions (either order): zero inside a region.</summary>
    public TimeSpan RoundTripBetween(string one, string other)
    {
        if (one == other)
        {
            return TimeSpan.Zero;
        }

        return PairRoundTrips.TryGetValue((one, other), out var pair) || PairRoundTrips.TryGetValue((other, one), out pair) ? pair : WanRoundTrip;
    }

    /// <summary>
    /// The largest round trip between any two regions of the deployment, not only from this one:
    /// every node of every region computes the same value from the same configuration, so values
    /// derived from it (the home lease's length) are one value for the whole deployment.
    /// </summary>
    public TimeSpan LargestRoundTrip
    {
        get
        {
            var regions = Peers.Select(p => p.Region).Append(Region).Distinct().ToList();
            var largest = TimeSpan.Zero;
            foreach (var one in regions)
            {
                foreach (var other in regions)
                {
                    largest = RoundTripBetween(one, other) > largest ? RoundTripBetween(one, other) : largest;
                }
            }

            return largest;
        }
    }

    /// <summary>The regions other than this one, in the order the peers list them.</summary>
    public IReadOnlyList<string> OtherRegions => [.. Peers.Select(p => p.Region).Where(r => r != Region).Distinct()];
}
