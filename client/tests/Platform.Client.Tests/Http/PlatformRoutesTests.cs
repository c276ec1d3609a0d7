using Platform.Client.Http;
using Platform.Client.Models;

namespace Platform.Client.Tests.Http;

public sealed class PlatformRoutesTests
{
    private static readonly Uri Node = new("http://127.0.0.1:7101");

    [Fact]
    public void A_key_route_keeps_its_dot_segments_on_the_wire()
    {
        var uri = PlatformRoutes.Absolute(Node, PlatformRoutes.Key("payments", "a/../b"));

        Assert.Equal("/v1/ns/payments/kv/a/%2E%2E/b", uri.PathAndQuery);
    }

    [Theory]
    [InlineData("http://127.0.0.1:7101", "http://127.0.0.1:7101/v1/status")]
    [InlineData("http://127.0.0.1:7101/", "http://127.0.0.1:7101/v1/status")]
    [InlineData("http://proxy/platform/", "http://proxy/platform/v1/status")]
    [InlineData("http://proxy/platform?ignored=1", "http://proxy/platform/v1/status")]
    public void Routes_are_relative_to_the_endpoint_path(string endpoint, string expected)
    {
        Assert.Equal(expected, PlatformRoutes.Absolute(new Uri(endpoint), PlatformRoutes.Status).AbsoluteUri);
    }

    [Fact]
    public void The_query_leaves_out_null_values_and_escapes_the_rest()
    {
        var query = PlatformRoutes.Query(("prefix", "a b&c"), ("limit", null), ("pageToken", "t/=+"));

        Assert.Equal("?prefix=a%20b%26c&pageToken=t%2F%3D%2B", query);
        Assert.Equal(string.Empty, PlatformRoutes.Query(("limit", null)));
    }

    [Fact]
    public void Routes_of_the_contract()
    {
        Assert.Equal("v1/ns/payments/kv/app/color", PlatformRoutes.Key("payments", "app/color"));
        Assert.Equal("v1/ns/payments/kv", PlatformRoutes.Keys("payments"));
        Assert.Equal("v1/ns/payments/history/app/color", PlatformRoutes.History("payments", "app/color"));
        Assert.Equal("v1/ns/payments/watch", PlatformRoutes.Watch("payments"));
        Assert.Equal("v1/namespaces/payments", PlatformRoutes.Namespace("payments"));
        Assert.Equal("v1/tokens/ci%20bot", PlatformRoutes.Token("ci bot"));
    }

    [Theory]
    [InlineData(ReadConsistency.Linearizable, "linearizable")]
    [InlineData(ReadConsistency.Serializable, "serializable")]
    [InlineData(ReadConsistency.Cached, "cached")]
    public void Consistency_is_written_as_the_contract_spells_it(ReadConsistency consistency, string expected)
    {
        Assert.Equal(expected, PlatformRoutes.Text(consistency));
    }
}
