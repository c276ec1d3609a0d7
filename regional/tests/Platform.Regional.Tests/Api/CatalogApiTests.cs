using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Regional.Tests.Api;

[Trait("Category", "Integration")]
[Collection(SharedApiRegion.Name)]
public sealed class CatalogApiTests(ApiRegion region)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private HttpClient Admin => region.Admin();

    [Fact]
    public async Task Namespaces_are_created_shown_listed_changed_and_deleted()
    {
        using var created = await Admin.PutAsJsonAsync("/v1/namespaces/cat-a", new { mode = "strong-global", rpo = "2s" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var shown = await created.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("strong-global", shown.GetProperty("mode").GetString());
        Assert.Equal("2s", shown.GetProperty("rpo").GetString());
        Assert.Equal("alert", shown.GetProperty("rpoPolicy").GetString());
        Assert.False(shown.GetProperty("autoFailover").GetBoolean());
        Assert.Equal(JsonValueKind.Null, shown.GetProperty("homeRegion").ValueKind);

        using var changed = await region.Admin(1).PutAsJsonAsync("/v1/namespaces/cat-a", new { mode = "strong-global", rpoPolicy = "reject", autoFailover = true }, Cancel);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        using var moved = await Admin.PutAsJsonAsync("/v1/namespaces/cat-a", new { mode = "local-commit", homeRegion = "test" }, Cancel);
        await moved.AssertProblemAsync(HttpStatusCode.BadRequest, "InvalidRequest");
        using var noHome = await Admin.PutAsJsonAsync("/v1/namespaces/cat-b", new { mode = "local-commit" }, Cancel);
        await noHome.AssertProblemAsync(HttpStatusCode.BadRequest, "InvalidRequest");

        using var one = await region.Admin(2).GetAsync("/v1/namespaces/cat-a", Cancel);
        var view = await one.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("reject", view.GetProperty("rpoPolicy").GetString());
        Assert.True(view.GetProperty("autoFailover").GetBoolean());
        Assert.Equal("test", view.GetProperty("regions")[0].GetProperty("region").GetString());
        Assert.Equal(0, view.GetProperty("epoch").GetInt64());

        using var list = await Admin.GetAsync("/v1/namespaces", Cancel);
        var names = (await list.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString());
        Assert.Contains("cat-a", names);

        using var deleted = await Admin.DeleteAsync("/v1/namespaces/cat-a", Cancel);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        using var gone = await region.Admin(1).GetAsync("/v1/namespaces/cat-a", Cancel);
        await gone.AssertProblemAsync(HttpStatusCode.NotFound, "NamespaceNotFound");
    }

    [Fact]
    public async Task Status_shows_every_group_with_its_leader_and_members()
    {
        await Admin.CreateNamespaceAsync("cat-status");
        using var response = await region.Admin(1).GetAsync("/v1/status", Cancel);
        var status = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("test", status.GetProperty("region").GetString());
        Assert.Equal("node-2", status.GetProperty("node").GetString());
        var groups = status.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(2, groups.Count);
        foreach (var group in groups)
        {
            Assert.Contains(group.GetProperty("leader").GetString(), ApiRegion.Nodes);
            Assert.True(group.GetProperty("term").GetInt64() >= 1);
            Assert.True(group.GetProperty("commitIndex").GetInt64() >= 1);
            var members = group.GetProperty("members").EnumerateArray().ToList();
            Assert.Equal(3, members.Count);
            Assert.Single(members, m => m.GetProperty("role").GetString() == "leader");
        }

        var ns = status.GetProperty("namespaces").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "cat-status");
        Assert.Equal("local-commit", ns.GetProperty("mode").GetString());
        Assert.Equal("test", ns.GetProperty("homeRegion").GetString());
        Assert.Equal("test", status.GetProperty("regions")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Metrics_use_the_contract_names()
    {
        await Admin.CreateNamespaceAsync("cat-metrics");
        await Admin.PutTextAsync("cat-metrics", "k", "v");
        using var anonymous = ApiRegion.Client(region.Endpoints[0], token: null);
        var text = string.Empty;
        await Eventually.HoldsAsync(async () =>
        {
            text = await anonymous.GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancel);
            return text.Contains("platform_commit_latency_seconds_bucket", StringComparison.Ordinal);
        });

        Assert.Contains("platform_commit_latency_seconds_count{", text, StringComparison.Ordinal);
        Assert.Contains("mode=\"local-commit\"", text, StringComparison.Ordinal);
        Assert.Contains("platform_raft_term{", text, StringComparison.Ordinal);
        Assert.Contains("platform_raft_leader_changes_total{", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Group_leaders_spread_to_their_preferred_nodes()
    {
        // Group g prefers node g mod 3: with two groups, node-1 and node-2 lead one each.
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await region.Admin(2).GetAsync("/v1/status", Cancel);
            var groups = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("groups").EnumerateArray().ToList();
            return groups[0].GetProperty("leader").GetString() == "node-1" && groups[1].GetProperty("leader").GetString() == "node-2";
        }, seconds: 30);
    }
}
