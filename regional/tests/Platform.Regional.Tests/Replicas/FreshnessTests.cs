using Platform.Regional.Replicas;

namespace Platform.Regional.Tests.Replicas;

/// <summary>A follower is fresh as of the last time it had applied all its leader had committed, not as of the last time it heard from it.</summary>
public sealed class FreshnessTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Hearing_from_the_leader_while_behind_does_not_make_a_replica_fresh()
    {
        var freshness = new Freshness();
        freshness.Applied(5);
        freshness.Mark(10, S(1));
        freshness.Mark(12, S(2));
        freshness.Mark(12, S(3));
        Assert.Null(freshness.FreshAsOf);

        freshness.Applied(10);
        Assert.Equal(S(1), freshness.FreshAsOf);

        // Caught up with the later announcement: fresh as of the last time it was made.
        freshness.Applied(12);
        Assert.Equal(S(3), freshness.FreshAsOf);
    }

    [Fact]
    public void A_replica_that_has_applied_what_is_announced_is_fresh_as_of_the_announcement()
    {
        var freshness = new Freshness();
        freshness.Applied(20);
        freshness.Mark(20, S(4));
        Assert.Equal(S(4), freshness.FreshAsOf);

        freshness.Mark(15, S(5));
        Assert.Equal(S(5), freshness.FreshAsOf);
    }
}
