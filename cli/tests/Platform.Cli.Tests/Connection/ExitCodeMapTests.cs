using Platform.Cli.Connection;

namespace Platform.Cli.Tests.Connection;

public sealed class ExitCodeMapTests
{
    [Theory]
    [InlineData(404, ExitCodes.NotFound)]
    [InlineData(412, ExitCodes.PreconditionFailed)]
    [InlineData(409, ExitCodes.PreconditionFailed)]
    [InlineData(503, ExitCodes.Unavailable)]
    [InlineData(429, ExitCodes.Unavailable)]
    [InlineData(502, ExitCodes.Unavailable)]
    [InlineData(504, ExitCodes.Unavailable)]
    [InlineData(400, ExitCodes.Error)]
    [InlineData(401, ExitCodes.Error)]
    [InlineData(403, ExitCodes.Error)]
    [InlineData(410, ExitCodes.Error)]
    [InlineData(413, ExitCodes.Error)]
    [InlineData(500, ExitCodes.Error)]
    public void Maps_a_status_to_the_exit_code_of_the_contract(int status, int exitCode)
    {
        Assert.Equal(exitCode, ExitCodeMap.ForStatus(status));
    }
}
