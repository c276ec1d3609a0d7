using Platform.Cli.Commands;
using Platform.Client.Models;

namespace Platform.Cli.Tests.Commands;

public sealed class NsCommandTests
{
    [Theory]
    [InlineData("ns")]
    [InlineData("ns", "create", "payments")]
    [InlineData("ns", "create", "payments", "--mode", "eventual")]
    [InlineData("ns", "create", "payments", "--mode", "strong-global", "--rpo", "5 seconds")]
    [InlineData("ns", "create", "payments", "--mode", "strong-global", "--rpo-policy", "panic")]
    [InlineData("ns", "create", "payments", "--mode", "local-commit")]
    [InlineData("ns", "set", "payments", "--mode", "eventual")]
    [InlineData("ns", "get")]
    [InlineData("ns", "rm")]
    [InlineData("ns", "ls", "extra")]
    public void Usage_errors_exit_with_two(params string[] args)
    {
        var (exitCode, _, error) = CliRunner.Run(ClosedEndpoint.With(args));

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("ns", "create", "payments", "--mode", "local-commit", "--home", "eu-west", "--rpo", "500ms", "--rpo-policy", "reject", "--auto-failover")]
    [InlineData("ns", "create", "payments", "--mode", "strong-global")]
    [InlineData("ns", "set", "payments", "--rpo", "10s")]
    [InlineData("ns", "get", "payments")]
    [InlineData("ns", "ls")]
    [InlineData("ns", "rm", "payments")]
    public void Well_formed_commands_try_the_endpoint_and_exit_five_when_nothing_answers(params string[] args)
    {
        var (exitCode, _, error) = CliRunner.Run(ClosedEndpoint.With(args));

        Assert.Equal(ExitCodes.Unavailable, exitCode);
        Assert.StartsWith("Unavailable: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_namespace_shows_its_fields_and_region_lag()
    {
        using var output = new StringWriter();
        var info = new NamespaceInfo("payments", "local-commit", 2, "eu-west", 1, "5s", "alert", false,
            [new NamespaceRegionInfo("us-east", 2199023255560, 3, 0.25, false)]);

        NsCommand.WriteNamespace(output, info);

        var text = output.ToString();
        Assert.Matches(@"(?m)^mode:\s+local-commit$", text);
        Assert.Matches(@"(?m)^home-region:\s+eu-west$", text);
        Assert.Matches(@"(?m)^epoch:\s+2$", text);
        Assert.Matches(@"(?m)^us-east\s+2199023255560\s+3\s+0\.25\s+no$", text);
    }
}
