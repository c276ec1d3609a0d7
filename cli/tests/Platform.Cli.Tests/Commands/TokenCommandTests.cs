using Platform.Cli.Commands;
using Platform.Client.Models;

namespace Platform.Cli.Tests.Commands;

public sealed class TokenCommandTests
{
    [Theory]
    [InlineData("pay*=reader", "pay*", "reader")]
    [InlineData("orders=writer", "orders", "writer")]
    [InlineData(" * = admin ", "*", "admin")]
    public void A_grant_is_pattern_equals_role(string text, string pattern, string role)
    {
        Assert.True(TokenCommand.TryParseGrant(text, out var grant, out _));
        Assert.Equal(new TokenGrant(pattern, role), grant);
    }

    [Theory]
    [InlineData("pay*")]
    [InlineData("=reader")]
    [InlineData("pay*=owner")]
    [InlineData("pay*=")]
    public void A_malformed_grant_is_refused(string text)
    {
        Assert.False(TokenCommand.TryParseGrant(text, out _, out var error));
        Assert.Contains("PATTERN=ROLE", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("token", "create", "ci")]
    [InlineData("token", "create", "ci", "--grant", "pay*=owner")]
    [InlineData("token", "create", "--grant", "pay*=reader")]
    [InlineData("token", "revoke")]
    public void Usage_errors_exit_with_two(params string[] args)
    {
        var (exitCode, _, error) = CliRunner.Run(ClosedEndpoint.With(args));

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("token", "create", "ci", "--grant", "pay*=reader", "--grant", "orders=writer")]
    [InlineData("token", "revoke", "ci")]
    public void Well_formed_commands_try_the_endpoint_and_exit_five_when_nothing_answers(params string[] args)
    {
        var (exitCode, output, _) = CliRunner.Run(ClosedEndpoint.With(args));

        Assert.Equal(ExitCodes.Unavailable, exitCode);
        Assert.Empty(output);
    }
}
