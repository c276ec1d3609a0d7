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

    [Fact]
    public void A_terminal_gets_a_bordered_table_whose_cells_are_text_not_markup()
    {
        using var output = new StringWriter { NewLine = "\n" };
        var console = Terminal.For(output, interactive: false);

        TextTable.Render(console, ["KEY", "VALUE"], [["[red]a", "1"]]);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("╭", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("│ KEY", StringComparison.Ordinal) && l.Contains("VALUE", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("[red]a", StringComparison.Ordinal));
        Assert.StartsWith("╰", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_writer_that_is_not_the_process_terminal_is_not_interactive()
    {
        using var output = new StringWriter();

        Assert.False(Terminal.IsInteractive(output));
    }

    [Fact]
    public void The_bordered_width_counts_cells_padding_and_rules()
    {
        // "│ KEY        │ VALUE │" = 1 + (1 + 10 + 1) + 1 + (1 + 5 + 1) + 1
        Assert.Equal(22, TextTable.BorderedWidth(["KEY", "VALUE"], [["longer-key", "1"]]));
    }
}
