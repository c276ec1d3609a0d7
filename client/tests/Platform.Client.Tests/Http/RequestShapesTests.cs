using Platform.Client.Http;

namespace Platform.Client.Tests.Http;

public sealed class RequestShapesTests
{
    [Theory]
    [InlineData("v1/ns/payments/kv/a/b", "payments")]
    [InlineData("v1/ns/payments/watch?since=3", "payments")]
    [InlineData("v1/ns/pay%2Dments/kv", "pay-ments")]
    [InlineData("v1/namespaces/payments", null)]
    [InlineData("v1/status", null)]
    public void A_path_names_its_namespace(string relative, string? ns) => Assert.Equal(ns, RequestShapes.Namespace(relative));

    [Theory]
    [InlineData("PUT", "v1/ns/p/kv/k", true)]
    [InlineData("DELETE", "v1/ns/p/kv/k", true)]
    [InlineData("POST", "v1/ns/p/txn", true)]
    [InlineData("PUT", "v1/namespaces/p", false)]
    [InlineData("POST", "v1/tokens", false)]
    [InlineData("POST", "v1/ns/p/compact", false)]
    public void Only_writes_the_server_deduplicates_take_an_idempotency_key(string method, string relative, bool takes) =>
        Assert.Equal(takes, RequestShapes.TakesIdempotencyKey(new HttpMethod(method), relative));

    [Theory]
    [InlineData("GET", "v1/ns/p/kv/k?format=json", true)]
    [InlineData("GET", "v1/ns/p/kv?prefix=a", true)]
    [InlineData("GET", "v1/ns/p/kv/k?format=json&revision=4", false)]
    [InlineData("GET", "v1/ns/p/kv?pageToken=abc", false)]
    [InlineData("GET", "v1/ns/p/kv/k?minRevision=9", false)]
    [InlineData("GET", "v1/ns/p/history/k", false)]
    [InlineData("PUT", "v1/ns/p/kv/k", false)]
    public void Reads_of_current_state_present_the_revision_floor(string method, string relative, bool floorable) =>
        Assert.Equal(floorable, RequestShapes.IsFloorableRead(new HttpMethod(method), relative));

    [Fact]
    public void The_floor_joins_the_query() =>
        Assert.Equal(("v1/ns/p/kv/k?minRevision=7", "v1/ns/p/kv/k?format=json&minRevision=7"), (RequestShapes.WithMinRevision("v1/ns/p/kv/k", 7), RequestShapes.WithMinRevision("v1/ns/p/kv/k?format=json", 7)));
}
