namespace Platform.Cli.Tests;

public sealed class ProgramTests
{
    [Fact]
    public void Version_prints_the_assembly_version()
    {
        var (exitCode, output, _) = CliRunner.Run("--version");

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.StartsWith("0.1.0", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("up", "--nodes", "4")]
    [InlineData("up", "--wan-rtt", "soon")]
    [InlineData("up", "--no-such-option")]
    [InlineData("no-such-command")]
    public void Usage_errors_exit_with_two(params string[] args)
    {
        var (exitCode, _, error) = CliRunner.Run(args);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.NotEmpty(error);
    }
}
