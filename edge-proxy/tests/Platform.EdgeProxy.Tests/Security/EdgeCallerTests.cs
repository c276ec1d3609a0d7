using Platform.Client.Models;
using Platform.EdgeProxy.Security;

namespace Platform.EdgeProxy.Tests.Security;

public sealed class EdgeCallerTests
{
    [Theory]
    [InlineData("pay*", "payments", true)]
    [InlineData("pay*", "shipping", false)]
    [InlineData("payments", "payments", true)]
    [InlineData("payments", "payments-eu", false)]
    [InlineData("*", "anything", true)]
    [InlineData("pay/*", "pay", true)]
    [InlineData("pay/*", "pay-eu", true)]
    [InlineData("pay/*", "pay-eu-2", true)]
    [InlineData("pay/*", "payments", false)]
    [InlineData("pay/*", "payments-evil", false)]
    [InlineData("pay/*", "pa", false)]
    public void A_grant_covers_what_its_pattern_names(string pattern, string ns, bool covered)
    {
        var caller = new EdgeCaller("fleet", [new TokenGrant(pattern, "reader")]);
        Assert.Equal(covered, caller.MayRead(ns));
    }

    [Fact]
    public void An_unknown_role_grants_nothing() =>
        Assert.False(new EdgeCaller("odd", [new TokenGrant("*", "superuser")]).MayRead("app"));
}
