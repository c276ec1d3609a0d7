using Platform.Cli.Connection;
using Platform.Cli.Up;

namespace Platform.Cli.Tests.Connection;

public sealed class ClientTargetTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    private string ClusterFilePath => Path.Combine(directory, "cluster.json");

    public ClientTargetTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private void WriteCluster() => new ClusterFile("secret-admin",
    [
        new ClusterFileRegion("eu-west", [new ClusterFileNode("node-1", "http://127.0.0.1:7101", 11101, 12101, 1), new ClusterFileNode("node-2", "http://127.0.0.1:7102", 11102, 12102, 2)]),
        new ClusterFileRegion("us-east", [new ClusterFileNode("node-1", "http://127.0.0.1:7201", 11201, 12201, 3)]),
    ]).Write(ClusterFilePath);

    [Fact]
    public void Defaults_to_every_node_first_region_first_and_the_admin_token()
    {
        WriteCluster();

        Assert.True(ClientTarget.TryResolve(null, null, ClusterFilePath, out var target, out _));
        Assert.Equal(["http://127.0.0.1:7101/", "http://127.0.0.1:7102/", "http://127.0.0.1:7201/"], target!.Endpoints.Select(e => e.ToString()));
        Assert.Equal("secret-admin", target.Token);
    }

    [Fact]
    public void An_endpoint_list_keeps_its_order_and_rejects_a_bad_member()
    {
        Assert.True(ClientTarget.TryResolve("http://127.0.0.1:8080, https://edge.example:443", null, ClusterFilePath, out var target, out _));
        Assert.Equal(["http://127.0.0.1:8080/", "https://edge.example/"], target!.Endpoints.Select(e => e.ToString()));
        Assert.False(ClientTarget.TryResolve("http://127.0.0.1:8080,ftp://x", null, ClusterFilePath, out _, out var error));
        Assert.Contains("ftp://x", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_line_wins_over_the_file()
    {
        WriteCluster();

        Assert.True(ClientTarget.TryResolve("http://127.0.0.1:8080", "mine", ClusterFilePath, out var target, out _));
        Assert.Equal([new Uri("http://127.0.0.1:8080")], target!.Endpoints);
        Assert.Equal("mine", target.Token);
    }

    [Fact]
    public void An_endpoint_alone_still_takes_the_admin_token_from_the_file()
    {
        WriteCluster();

        Assert.True(ClientTarget.TryResolve("http://127.0.0.1:8080", null, ClusterFilePath, out var target, out _));
        Assert.Equal("secret-admin", target!.Token);
    }

    [Fact]
    public void Without_a_file_an_endpoint_is_enough_and_no_token_is_sent()
    {
        Assert.True(ClientTarget.TryResolve("http://127.0.0.1:8080", null, ClusterFilePath, out var target, out _));
        Assert.Null(target!.Token);
    }

    [Fact]
    public void Without_a_file_or_an_endpoint_the_error_says_what_to_do()
    {
        Assert.False(ClientTarget.TryResolve(null, "t", ClusterFilePath, out _, out var error));
        Assert.Contains("--endpoint", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_file_is_reported_unless_everything_is_given()
    {
        File.WriteAllText(ClusterFilePath, "{ not json");

        Assert.False(ClientTarget.TryResolve(null, null, ClusterFilePath, out _, out var error));
        Assert.Contains(ClusterFilePath, error, StringComparison.Ordinal);
        Assert.True(ClientTarget.TryResolve("http://127.0.0.1:8080", "t", ClusterFilePath, out _, out _));
    }

    [Theory]
    [InlineData("127.0.0.1:7101")]
    [InlineData("ftp://127.0.0.1")]
    [InlineData("not a uri")]
    public void An_endpoint_must_be_an_http_address(string endpoint)
    {
        Assert.False(ClientTarget.TryResolve(endpoint, "t", ClusterFilePath, out _, out var error));
        Assert.Contains("--endpoint", error, StringComparison.Ordinal);
    }
}
