using System.Net;
using Platform.EdgeProxy.Admission;
using Platform.EdgeProxy.Hosting;
using Platform.EdgeProxy.Pipeline;
using Platform.EdgeProxy.Security;

namespace Platform.EdgeProxy.Tests.Admission;

public sealed class WatchLimitsTests
{
    private static readonly EdgeOptions Options = new() { Region = "r", RegionNodes = [new Uri("http://127.0.0.1:1")], Token = "t", MaxWatchesPerToken = 3, MaxWatchesPerAddress = 4 };
    private static readonly IPAddress Here = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress There = IPAddress.Parse("127.0.0.2");

    [Fact]
    public void A_token_past_its_bound_is_refused_and_the_refusal_holds_nothing()
    {
        var limits = new WatchLimits(Options);
        var token = new TokenCache.TokenState();
        var slots = Enumerable.Range(0, 3).Select(_ => limits.Open(token, "fleet", Here)).ToList();

        var refused = Assert.Throws<EdgeProblem>(() => limits.Open(token, "fleet", There));
        Assert.Equal((429, "Overloaded"), (refused.Status, refused.Code));
        Assert.Contains("token 'fleet'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(3, token.Watches);
        Assert.Equal(0, limits.OpenFrom(There));

        slots[0].Dispose();
        slots[0].Dispose();
        Assert.Equal(2, token.Watches);
        slots.Add(limits.Open(token, "fleet", There));
        Assert.Equal((2, 1), (limits.OpenFrom(Here), limits.OpenFrom(There)));
    }

    [Fact]
    public void An_address_past_its_bound_is_refused_whatever_its_tokens()
    {
        var limits = new WatchLimits(Options);
        var (a, b) = (new TokenCache.TokenState(), new TokenCache.TokenState());
        var slots = new List<IDisposable> { limits.Open(a, "a", Here), limits.Open(a, "a", Here), limits.Open(b, "b", Here), limits.Open(b, "b", Here) };

        var refused = Assert.Throws<EdgeProblem>(() => limits.Open(b, "b", Here));
        Assert.Contains("address 127.0.0.1", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, b.Watches);

        // Another address is counted on its own.
        slots.Add(limits.Open(b, "b", There));
        slots.ForEach(slot => slot.Dispose());
        Assert.Equal((0, 0, 0, 0), (limits.OpenFrom(Here), limits.OpenFrom(There), a.Watches, b.Watches));
    }

    [Fact]
    public void Concurrent_opens_never_pass_the_bound()
    {
        var limits = new WatchLimits(Options with { MaxWatchesPerToken = 1000, MaxWatchesPerAddress = 50 });
        var token = new TokenCache.TokenState();
        var opened = 0;
        Parallel.For(0, 400, _ =>
        {
            try
            {
                limits.Open(token, "t", Here);
                Interlocked.Increment(ref opened);
            }
            catch (EdgeProblem)
            {
                // Refused past the bound.
            }
        });

        Assert.Equal(50, opened);
        Assert.Equal((50, 50), (limits.OpenFrom(Here), token.Watches));
    }
}
