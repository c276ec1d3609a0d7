using System.Net;
using System.Text.Json;
using Platform.Client.Models;

namespace Platform.EdgeProxy.Tests.Processes;

/// <summary>What a token holder can make the edge do to its region: bounded, and refused where it can be.</summary>
[Trait("Category", "Integration")]
[Collection(nameof(EdgeRegion))]
public sealed class AbuseTests(EdgeRegion region)
{
    [Fact]
    public async Task Reads_and_watches_of_invalid_namespace_names_are_refused_at_the_edge_and_cost_the_region_nothing()
    {
        var cancel = TestContext.Current.CancellationToken;
        await region.NamespaceAsync("abuse", cancel);
        using var node = region.NodeClient();
        var reader = await node.CreateTokenAsync($"abuser-{Guid.NewGuid():N}"[..20], [new TokenGrant("abuse*", "reader")], cancel);
        using var abuser = region.EdgeHttp(reader.Token);
        string[] invalid = ["abuse_x", "abuse-", "abuse.x", "abuse" + new string('x', 70)];

        var catalogBefore = await region.Edge.UpstreamAsync("catalog", cancel);
        for (var round = 0; round < 25; round++)
        {
            foreach (var name in invalid)
            {
                var path = round % 2 == 0 ? $"v1/ns/{name}/kv/k" : $"v1/ns/{name}/watch?wait=1s";
                using var refused = await abuser.GetAsync(path, cancel);
                var body = await refused.Content.ReadAsStringAsync(cancel);
                Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)refused.StatusCode} {body}");
                Assert.Equal("InvalidNamespace", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
            }
        }

        // Nothing keeps asking the region about them once the client stops.
        var catalogAfter = await region.Edge.UpstreamAsync("catalog", cancel);
        await Task.Delay(TimeSpan.FromSeconds(2), cancel);
        var catalogLater = await region.Edge.UpstreamAsync("catalog", cancel);
        Assert.True(catalogAfter - catalogBefore <= 2, $"the edge asked the catalog {catalogAfter - catalogBefore} times for 100 requests of invalid names");
        Assert.True(catalogLater - catalogAfter <= 2, $"the edge went on asking the catalog ({catalogLater - catalogAfter} times in 2 s after the client stopped)");
    }
}
