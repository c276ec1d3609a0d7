using Platform.Cli.Up;

namespace Platform.Cli.Tests.Up;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("0ms", 0)]
    [InlineData("40ms", 40)]
    [InlineData("5s", 5_000)]
    [InlineData("2m", 120_000)]
    public void Parses_the_units_of_the_contract(string text, long expectedMilliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(expectedMilliseconds, (long)duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("ms")]
    [InlineData("-5s")]
    [InlineData("1.5s")]
    [InlineData("5h")]
    [InlineData("99999999999999999999m")]
    public void Refuses_anything_else(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
    }
}
