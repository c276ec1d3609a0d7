using Microsoft.Extensions.Time.Testing;
using Platform.Global.Transport;

namespace Platform.Global.Tests.Transport;

public sealed class ReplayGuardTests
{
    [Fact]
    public void A_signature_is_served_once_while_signatures_are_accepted_at_all()
    {
        var clock = new FakeTimeProvider();
        var guard = new ReplayGuard(clock);

        Assert.True(guard.FirstUse("a"));
        Assert.False(guard.FirstUse("a"));
        clock.Advance(RequestSignature.MaxSkew * 2 - TimeSpan.FromSeconds(1));
        Assert.False(guard.FirstUse("a"));
        Assert.True(guard.FirstUse("b"));
    }

    [Fact]
    public void Expired_signatures_are_forgotten_once_many_are_remembered()
    {
        var clock = new FakeTimeProvider();
        var guard = new ReplayGuard(clock);
        for (var i = 0; i < 10_001; i++)
        {
            Assert.True(guard.FirstUse($"old-{i}"));
        }

        clock.Advance(RequestSignature.MaxSkew * 2 + TimeSpan.FromSeconds(1));
        Assert.True(guard.FirstUse("new"));

        Assert.Equal(1, guard.Count);
    }
}
