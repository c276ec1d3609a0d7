namespace Platform.Configuration.Tests;

public sealed class KeyPathsTests
{
    [Theory]
    [InlineData("app/checkout/maxItems", "app/", "checkout:maxItems")]
    [InlineData("app/flag", "app/", "flag")]
    [InlineData("db/host", "", "db:host")]
    [InlineData("other/flag", "app/", null)]
    [InlineData("app/", "app/", null)]
    public void A_key_under_the_prefix_becomes_a_configuration_path(string key, string prefix, string? path) =>
        Assert.Equal(path, KeyPaths.ToPath(key, prefix));
}
