using Microsoft.Extensions.Time.Testing;
using Platform.Client.Http;

namespace Platform.Client.Tests.Http;

public sealed class EndpointRingTests
{
    private static readonly Uri Local = new("http://127.0.0.1:8080");
    private static readonly Uri Near = new("http://127.0.0.1:8081");
    private static readonly Uri Far = new("http://127.0.0.1:8082");

    [Fact]
    public void A_failed_endpoint_is_passed_over_until_its_cooldown_ends()
    {
        var clock = new FakeTimeProvider();
        var ring = new EndpointRing([Local, Near, Far], TimeSpan.FromSeconds(30), clock);
        Assert.Equal(Local, ring.Current);

        ring.Failed(Local);
        Assert.Equal(Near, ring.Current);
        ring.Failed(Near);
        Assert.Equal(Far, ring.Current);

        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(Local, ring.Current);
    }

    [Fact]
    public void When_every_endpoint_failed_the_one_that_failed_longest_ago_is_tried()
    {
        var clock = new FakeTimeProvider();
        var ring = new EndpointRing([Local, Near], TimeSpan.FromSeconds(30), clock);
        ring.Failed(Near);
        clock.Advance(TimeSpan.FromSeconds(1));
        ring.Failed(Local);

        Assert.Equal(Near, ring.Current);
    }

    [Fact]
    public void A_client_needs_absolute_endpoints() =>
        Assert.Throws<ArgumentException>(() => new EndpointRing([new Uri("/v1", UriKind.Relative)], TimeSpan.FromSeconds(1), TimeProvider.System));
}
