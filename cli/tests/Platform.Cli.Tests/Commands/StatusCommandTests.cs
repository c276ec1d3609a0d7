using Platform.Cli.Commands;
using Platform.Client.Models;

namespace Platform.Cli.Tests.Commands;

public sealed class StatusCommandTests
{
    [Fact]
    public void Nothing_answering_exits_five()
    {
        var (exitCode, _, error) = CliRunner.Run(ClosedEndpoint.With("status"));

        Assert.Equal(ExitCodes.Unavailable, exitCode);
        Assert.StartsWith("Unavailable: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_extra_argument_is_a_usage_error()
    {
        Assert.Equal(ExitCodes.Usage, CliRunner.Run(ClosedEndpoint.With("status", "now")).ExitCode);
    }

    [Fact]
    public void Shows_groups_namespaces_and_regions()
    {
        using var output = new StringWriter();
        var status = new StatusInfo("eu-west", "node-1",
            [new GroupStatus(0, "node-2", 3, 40, 39, [new GroupMember("node-1", "follower", 39), new GroupMember("node-2", "leader", 40)])],
            [new StatusNamespace("payments", 0, "local-commit", "eu-west", 1)],
            [new RegionStatus("us-east", true, 41.5), new RegionStatus("ap-south", false, null)]);

        StatusCommand.Write(output, status);

        var text = output.ToString();
        Assert.Matches(@"(?m)^region:\s+eu-west$", text);
        Assert.Matches(@"(?m)^0\s+node-2\s+3\s+40\s+39\s+node-1\(follower,39\) node-2\(leader,40\)$", text);
        Assert.Matches(@"(?m)^payments\s+0\s+local-commit\s+eu-west\s+1$", text);
        Assert.Matches(@"(?m)^us-east\s+yes\s+41\.5$", text);
        Assert.Matches(@"(?m)^ap-south\s+no\s+-$", text);
    }
}
