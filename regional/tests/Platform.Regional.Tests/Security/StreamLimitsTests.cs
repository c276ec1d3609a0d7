using Platform.Regional.Security;

namespace Platform.Regional.Tests.Security;

public sealed class StreamLimitsTests
{
    [Fact]
    public void A_token_holds_at_most_its_bound_of_each_kind_and_a_closed_stream_frees_its_place()
    {
        var limits = new StreamLimits(maxWatchesPerToken: 3, maxFeedsPerToken: 1);
        var watches = Enumerable.Range(0, 3).Select(_ => limits.TryOpen("fleet", StreamLimits.Kind.Watch)).ToList();

        Assert.All(watches, Assert.NotNull);
        Assert.Null(limits.TryOpen("fleet", StreamLimits.Kind.Watch));
        Assert.NotNull(limits.TryOpen("other", StreamLimits.Kind.Watch));
        using var feed = limits.TryOpen("fleet", StreamLimits.Kind.DashboardFeed);
        Assert.NotNull(feed);
        Assert.Null(limits.TryOpen("fleet", StreamLimits.Kind.DashboardFeed));

        watches[0]!.Dispose();
        watches[0]!.Dispose();
        Assert.Equal(2, limits.Open("fleet", StreamLimits.Kind.Watch));
        Assert.NotNull(limits.TryOpen("fleet", StreamLimits.Kind.Watch));
        Assert.Null(limits.TryOpen("fleet", StreamLimits.Kind.Watch));
    }

    [Fact]
    public void Concurrent_opens_never_exceed_the_bound()
    {
        var limits = new StreamLimits(maxWatchesPerToken: 100, maxFeedsPerToken: 1);
        var opened = new System.Collections.Concurrent.ConcurrentBag<IDisposable>();
        Parallel.For(0, 1000, _ =>
        {
            if (limits.TryOpen("fleet", StreamLimits.Kind.Watch) is { } slot)
            {
                opened.Add(slot);
            }
        });

        Assert.Equal(100, opened.Count);
        Parallel.ForEach(opened, slot => slot.Dispose());
        Assert.Equal(0, limits.Open("fleet", StreamLimits.Kind.Watch));
    }
}
