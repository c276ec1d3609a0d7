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

    [Theory]
    [InlineData("edge")]
    [InlineData("node")]
    public void An_address_must_be_one_ip_of_the_machine(string command)
    {
        string[] args = command == "edge"
            ? ["edge", "--region", "r1", "--nodes", "http://127.0.0.1:7101", "--address", "0.0.0.0"]
            : ["node", "--region", "r1", "--name", "node-1", "--nodes", "node-1", "--address", "my-host"];

        var (exitCode, _, error) = CliRunner.Run(args);

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("--address", error, StringComparison.Ordinal);
    }
}
