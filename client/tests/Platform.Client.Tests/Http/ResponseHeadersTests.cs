using System.Net;
using System.Net.Http.Headers;
using Platform.Client.Http;

namespace Platform.Client.Tests.Http;

public sealed class ResponseHeadersTests
{
    [Fact]
    public void Reads_the_revision_region_etag_and_edge_headers()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.Add("X-Config-Revision", "1099511627790");
        response.Headers.Add("X-Config-Region", "eu-west");
        response.Headers.Add("X-Config-Cache", "stale");
        response.Headers.Add("X-Config-Stale", "true");
        response.Headers.Add("X-Config-Lag-Ms", "120");
        response.Headers.ETag = new EntityTagHeaderValue("\"17\"");
        response.Headers.Age = TimeSpan.FromSeconds(4);

        var metadata = ResponseHeaders.ReadMetadata(response);

        Assert.Equal(1099511627790, metadata.Revision);
        Assert.Equal("eu-west", metadata.Region);
        Assert.Equal("\"17\"", metadata.ETag);
        Assert.Equal("stale", metadata.Cache);
        Assert.True(metadata.Stale);
        Assert.Equal(TimeSpan.FromSeconds(4), metadata.Age);
        Assert.Equal(120, metadata.LagMs);
    }

    [Fact]
    public void Missing_headers_are_null()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);

        var metadata = ResponseHeaders.ReadMetadata(response);

        Assert.Null(metadata.Revision);
        Assert.Null(metadata.Region);
        Assert.False(metadata.Stale);
    }

    [Fact]
    public void Retry_after_in_seconds_is_a_delay()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(3), ResponseHeaders.RetryAfter(response));
    }
}
