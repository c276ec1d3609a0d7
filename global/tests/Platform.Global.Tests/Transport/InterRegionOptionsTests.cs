using Platform.Global.Transport;

namespace Platform.Global.Tests.Transport;

public sealed class InterRegionOptionsTests
{
    [Fact]
    public void The_round_trip_is_zero_inside_a_region_and_a_pair_override_wins_in_either_order()
    {
        var options = new InterRegionOptions
        {
            Region = "eu-west",
            NodeName = "node-1",
            Port = 1,
            Secret = new byte[16],
            WanRoundTrip = TimeSpan.FromMilliseconds(80),
            PairRoundTrips = new Dictionary<(string, string), TimeSpan> { [("us-east", "eu-west")] = TimeSpan.FromMilliseconds(120) },
            Peers = [new("eu-west", "node-2", new Uri("http://127.0.0.1:1")), new("us-east", "node-1", new Uri("http://127.0.0.1:2")), new("ap-south", "node-1", new Uri("http://127.0.0.1:3"))],
        };

        Assert.Equal(TimeSpan.Zero, options.RoundTripTo("eu-west"));
        Assert.Equal(TimeSpan.FromMilliseconds(120), options.RoundTripTo("us-east"));
        Assert.Equal(TimeSpan.FromMilliseconds(80), options.RoundTripTo("ap-south"));
        Assert.Equal(["us-east", "ap-south"], options.OtherRegions);
    }
}
