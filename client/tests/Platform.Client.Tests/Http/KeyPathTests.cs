using Platform.Client.Http;

namespace Platform.Client.Tests.Http;

public sealed class KeyPathTests
{
    [Theory]
    [InlineData("color", "color")]
    [InlineData("app/db/url", "app/db/url")]
    [InlineData("a b/ü", "a%20b/%C3%BC")]
    [InlineData("q?x=1#f", "q%3Fx%3D1%23f")]
    [InlineData("100%", "100%25")]
    [InlineData("/leading//double/", "/leading//double/")]
    [InlineData("a/./b/../c", "a/%2E/b/%2E%2E/c")]
    [InlineData("..", "%2E%2E")]
    [InlineData("x.y/.hidden/...", "x.y/.hidden/...")]
    [InlineData("plus+semi;colon:", "plus%2Bsemi%3Bcolon%3A")]
    public void Escapes_each_segment_and_keeps_the_slashes(string key, string expected)
    {
        Assert.Equal(expected, KeyPath.Escape(key));
    }

    [Fact]
    public void An_empty_key_is_refused()
    {
        Assert.Throws<ArgumentException>(() => KeyPath.Escape(string.Empty));
    }
}
