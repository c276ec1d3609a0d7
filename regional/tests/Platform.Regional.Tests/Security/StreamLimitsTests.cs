using Platform.Regional.Security;

namespace Platform.Regional.Tests.Security;

public sealed class StreamLimitsTests
{
    private const string Address = "192.0.2.1";
    private static readonly string[] TwoTokens = ["a", "a", "b"];

    [Fact]
    public void One_address_holds_no_more_than_its_bound_whatever_its_tokens()
    {
        var limits = new StreamLimits(new StreamLimits.Bounds(WatchesPerToken: 2, FeedsPerToken: 1, WatchesPerAddress: 3, FeedsPerAddress: 1));
        var held = TwoTokens.Select(token => limits.TryOpen(token, Address, StreamLimits.Kind.Watch, out _)).ToList();
        Assert.All(held, Assert.NotNull);

        Assert.Null(limits.TryOpen("c", Address, StreamLimits.Kind.Watch, out var refusal));
        Assert.Contains("address 192.0.2.1", refusal, StringComparison.Ordinal);
        // The refused open took nothing from the token's count.
        Assert.Equal(0, limits.Open("c", StreamLimits.Kind.Watch));
        Assert.NotNull(limits.TryOpen("c", "192.0.2.2", StreamLimits.Kind.Watch, out _));

        Assert.Null(limits.TryOpen("a", "192.0.2.3", StreamLimits.Kind.Watch, out refusal));
        Assert.Contains("token 'a'", refusal, StringComparison.Ordinal);

        held[0]!.Dispose();
        Assert.Equal(2, limits.OpenFrom(Address, StreamLimits.Kind.Watch));
        Assert.NotNull(limits.TryOpen("c", Address, StreamLimits.Kind.Watch, out _));
    }

    [Fact]
    public void A_token_holds_at_most_its_bound_of_each_kind_and_a_closed_stream_frees_its_place()
    {
        var limits = new StreamLimits(new StreamLimits.Bounds(WatchesPerToken: 3, FeedsPerToken: 1, WatchesPerAddress: 100, FeedsPerAddress: 100));
        var watches = Enumerable.Range(0, 3).Select(i => limits.TryOpen("fleet", Address, StreamLimits.Kind.Watch, out _)).ToList();

        Assert.All(watches, Assert.NotNull);
        Assert.Null(limits.TryOpen("fleet", Address, StreamLimits.Kind.Watch, out _));
        Assert.NotNull(limits.TryOpen("other", Address, StreamLimits.Kind.Watch, out _));
        using var feed = limits.TryOpen("fleet", Address, StreamLimits.Kind.DashboardFeed, out _);
        Assert.NotNull(feed);
        Assert.Null(limits.TryOpen("fleet", Address, StreamLimits.Kind.DashboardFeed, out _));

        watches[0]!.Dispose();
        watches[0]!.Dispose();
        Assert.Equal(2, limits.Open("fleet", StreamLimits.Kind.Watch));
        Assert.NotNull(limits.TryOpen("fleet", Address, StreamLimits.Kind.Watch, out _));
        Assert.Null(limits.TryOpen("fleet", Address, StreamLimits.Kind.Watch, out _));
    }

    [Fact]
    public void Concurrent_opens_never_exceed_the_bound()
    {
        var limits = new StreamLimits(new StreamLimits.Bounds(WatchesPerToken: 100, FeedsPerToken: 1, WatchesPerAddress: 1000, FeedsPerAddress: 1000));
        var opened = new System.Collections.Concurrent.ConcurrentBag<IDisposable>();
        Parallel.For(0, 1000, i =>
        {
            if (limits.TryOpen("fleet", Address, StreamLimits.Kind.Watch, out _) is { } slot)
            {
                opened.Add(slot);
            }
        });

        Assert.Equal(100, opened.Count);
        Parallel.ForEach(opened, slot => slot.Dispose());
        Assert.Equal(0, limits.Open("fleet", StreamLimits.Kind.Watch));
    }
}
