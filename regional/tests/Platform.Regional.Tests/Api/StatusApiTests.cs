using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Regional.Tests.Api;

/// <summary><c>GET /v1/status</c>: the topology for operators, a token's own namespaces for everyone else.</summary>
[Trait("Category", "Integration")]
[Collection(SharedApiRegion.Name)]
public sealed class StatusApiTests(ApiRegion region)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Only_an_operator_sees_groups_members_and_regions()
    {
        var admin = region.Admin();
        await admin.CreateNamespaceAsync("status-mine");

        using var minted = await admin.PostAsJsonAsync("/v1/tokens", new { name = "status-reader", grants = new[] { new { @namespace = "status-mine", role = "reader" } } }, Cancel);
        Assert.Equal(HttpStatusCode.Created, minted.StatusCode);
        var token = (await minted.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("token").GetString();
        using var reader = ApiRegion.Client(region.Endpoints[1], token);

        var seen = await reader.GetFromJsonAsync<JsonElement>("/v1/status", Cancel);
        Assert.Equal(0, seen.GetProperty("groups").GetArrayLength());
        Assert.Equal(0, seen.GetProperty("regions").GetArrayLength());
        Assert.Equal(["status-mine"], seen.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString()));

        var full = await region.Admin(1).GetFromJsonAsync<JsonElement>("/v1/status", Cancel);
        Assert.True(full.GetProperty("groups").GetArrayLength() > 0);
        Assert.Contains(full.GetProperty("groups").EnumerateArray(), g => g.GetProperty("members").GetArrayLength() == ApiRegion.Nodes.Length);
        Assert.True(full.GetProperty("regions").GetArrayLength() > 0);
    }
}
