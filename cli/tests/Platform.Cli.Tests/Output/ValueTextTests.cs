using System.Text;
using Platform.Cli.Output;

namespace Platform.Cli.Tests.Output;

public sealed class ValueTextTests
{
    [Fact]
    public void Valid_utf8_is_text_and_invalid_bytes_are_not()
    {
        Assert.Equal("héllo", ValueText.AsUtf8(Encoding.UTF8.GetBytes("héllo")));
        Assert.Equal(string.Empty, ValueText.AsUtf8([]));
        Assert.Null(ValueText.AsUtf8([0xC3]));
        Assert.Null(ValueText.AsUtf8([0xFF, 0x00]));
    }

    [Fact]
    public void One_line_escapes_line_breaks_and_encodes_binary()
    {
        Assert.Equal("a\\nb\\tc\\\\d", ValueText.OneLine(Encoding.UTF8.GetBytes("a\nb\tc\\d")));
        Assert.Equal("base64:/wA=", ValueText.OneLine([0xFF, 0x00]));
    }

    [Fact]
    public void A_preview_is_cut_and_binary_shows_its_size()
    {
        Assert.Equal("abcdefg...", ValueText.Preview(Encoding.UTF8.GetBytes("abcdefghijklmnop"), 10));
        Assert.Equal("short", ValueText.Preview(Encoding.UTF8.GetBytes("short"), 10));
        Assert.Equal("<binary, 2 bytes>", ValueText.Preview([0xFF, 0x00], 10));
    }
}
