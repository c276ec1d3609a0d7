using Platform.Client.Http;

namespace Platform.Client.Tests.Http;

public sealed class RetryDelaysTests
{
    private static readonly TimeSpan Base = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(4, 800)]
    [InlineData(10, 5000)]
    public void Full_jitter_stays_under_a_ceiling_that_doubles_up_to_the_maximum(int retry, int ceilingMs)
    {
        var random = new Random(7);
        var delays = Enumerable.Range(0, 2000).Select(_ => RetryDelays.Next(retry, Base, Max, null, random)).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMilliseconds(ceilingMs)));

        // Spread over the whole range, not bunched at the top: what keeps a refused fleet apart.
        Assert.True(delays.Min() < TimeSpan.FromMilliseconds(ceilingMs * 0.1));
        Assert.True(delays.Max() > TimeSpan.FromMilliseconds(ceilingMs * 0.9));
    }

    [Fact]
    public void A_retry_after_from_the_server_is_a_floor()
    {
        var random = new Random(7);
        Assert.All(
            Enumerable.Range(0, 200).Select(_ => RetryDelays.Next(1, Base, Max, TimeSpan.FromSeconds(2), random)),
            d => Assert.Equal(TimeSpan.FromSeconds(2), d));
    }
}
