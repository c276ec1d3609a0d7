namespace Platform.Cli.Tests.Commands;

public sealed class EdgeCommandTests
{
    [Fact]
    public void An_edge_without_its_region_nodes_or_token_is_a_usage_error_that_names_each_problem()
    {
        var (exitCode, _, error) = CliRunner.Run("edge", "--remote", "not-a-pair", "--token-max-staleness", "soon");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--region", error, StringComparison.Ordinal);
        Assert.Contains("--nodes", error, StringComparison.Ordinal);
        Assert.Contains("--remote", error, StringComparison.Ordinal);
        Assert.Contains("--token-max-staleness", error, StringComparison.Ordinal);
    }
}
