using Platform.Cli.Output;

namespace Platform.Cli.Tests.Output;

public sealed class TextTableTests
{
    [Fact]
    public void Columns_are_aligned_without_trailing_spaces()
    {
        using var output = new StringWriter { NewLine = "\n" };

        TextTable.Write(output, ["KEY", "VALUE"], [["a", "1"], ["longer-key", ""]]);

        Assert.Equal("KEY         VALUE\na           1\nlonger-key\n", output.ToString());
    }

    [Fact]
    public void Fields_align_their_values_and_show_a_dash_for_none()
    {
        using var output = new StringWriter { NewLine = "\n" };

        TextTable.WriteFields(output, [("key", "k"), ("content-type", null)]);

        Assert.Equal("key:           k\ncontent-type:  -\n", output.ToString());
    }
}
