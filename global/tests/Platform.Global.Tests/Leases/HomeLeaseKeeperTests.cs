using Platform.Global.Leases;
using Platform.Global.Transport;

namespace Platform.Global.Tests.Leases;

public sealed class HomeLeaseKeeperTests
{
    private static readonly string[] Regions = ["eu-west", "us-east", "ap-south"];

    private static InterRegionOptions NodeOf(string region) => new()
    {
        Region = region,
        NodeName = "node-1",
        Port = 1,
        Secret = new byte[16],
        WanRoundTrip = TimeSpan.FromMilliseconds(50),
        PairRoundTrips = new Dictionary<(string, string), TimeSpan>
        {
            [("eu-west", "us-east")] = TimeSpan.FromMilliseconds(80),
            [("eu-west", "ap-south")] = TimeSpan.FromMilliseconds(120),
            [("ap-south", "us-east")] = TimeSpan.FromMilliseconds(300),
        },
        Peers = [.. Regions.Select((r, i) => new PeerEndpoint(r, "node-1", new Uri($"http://127.0.0.1:{i + 1}")))],
    };

    [Fact]
    public void Every_region_derives_the_same_lease_length_from_the_slowest_pair_of_the_deployment()
    {
        // Per region, the slowest link is 120 ms (eu-west), 300 ms (us-east and ap-south): a
        // us-east home trusting 3 * (2 s + 300 ms) while an eu-west promoter waited out
        // 3 * (2 s + 120 ms) would let both acknowledge writes for about 0.5 s.
        var lengths = Regions.Select(r => HomeLeaseKeeper.DurationFor(NodeOf(r))).ToList();

        Assert.All(lengths, length => Assert.Equal(3 * (TimeSpan.FromSeconds(2) + TimeSpan.FromMilliseconds(300)), length));
    }
}
