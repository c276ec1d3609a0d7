namespace Platform.Consensus.Tests;

public sealed class RaftOptionsTests
{
    [Fact]
    public void The_default_lease_is_inside_the_safety_bound()
    {
        var options = new RaftOptions { Id = 1, MinElectionTimeout = TimeSpan.FromMilliseconds(1000), ClockRateErrorBound = 0.01 };

        options.Validate();
        Assert.Equal(1000 * 0.99 / 1.01, options.MaxSafeLeaseDuration.TotalMilliseconds, precision: 3);
        Assert.True(options.EffectiveLeaseDuration < options.MaxSafeLeaseDuration);
    }

    [Fact]
    public void A_lease_at_or_past_the_bound_is_refused()
    {
        var options = new RaftOptions { Id = 1, MinElectionTimeout = TimeSpan.FromMilliseconds(1000), ClockRateErrorBound = 0.01, LeaseDuration = TimeSpan.FromMilliseconds(981) };

        var problem = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("LeaseDuration", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0UL, 100, 1000)]
    [InlineData(1UL, 600, 1000)]
    [InlineData(1UL, 100, 0)]
    public void Unusable_settings_are_refused(ulong id, int heartbeatMs, int electionMs)
    {
        var options = new RaftOptions
        {
            Id = id,
            HeartbeatInterval = TimeSpan.FromMilliseconds(heartbeatMs),
            MinElectionTimeout = TimeSpan.FromMilliseconds(electionMs),
        };

        Assert.Throws<ArgumentException>(options.Validate);
    }
}
