using Platform.Regional.Security;

namespace Platform.Regional.Tests.Security;

public sealed class GrantTests
{
    [Theory]
    [InlineData("*", "anything", true)]
    [InlineData("payments", "payments", true)]
    [InlineData("payments", "payments-evil", false)]
    [InlineData("pay*", "payments-evil", true)]
    [InlineData("pay*", "shipping", false)]
    [InlineData("pay/*", "pay", true)]
    [InlineData("pay/*", "pay-eu", true)]
    [InlineData("pay/*", "pay-eu-2", true)]
    [InlineData("pay/*", "payments", false)]
    [InlineData("pay/*", "payments-evil", false)]
    [InlineData("pay/*", "pa", false)]
    public void A_pattern_covers_exactly_the_names_it_says(string pattern, string ns, bool covered) =>
        Assert.Equal(covered, new Grant(pattern, Role.Reader).Covers(ns));

    [Theory]
    [InlineData("*", true)]
    [InlineData("payments", true)]
    [InlineData("pay*", true)]
    [InlineData("pay-*", true)]
    [InlineData("pay/*", true)]
    [InlineData("/*", false)]
    [InlineData("pay-/*", false)]
    [InlineData("Pay/*", false)]
    [InlineData("pay/x", false)]
    [InlineData("pay**", false)]
    [InlineData("", false)]
    public void Only_names_prefixes_families_and_the_star_are_patterns(string pattern, bool valid) =>
        Assert.Equal(valid, Grant.IsValidPattern(pattern));
}
