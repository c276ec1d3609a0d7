using System.Net.Http.Json;
using System.Text.Json;
using Platform.Global.Groups;

namespace Platform.Global.Tests.Groups;

/// <summary>
/// Another layout of the strong-global groups: one voter per region (the first node of each), the
/// other nodes learners. The groups commit on a majority of the three voters, and every node of
/// every region, learners included, takes writes and holds the data.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GlobalVoterLayoutTests : IAsyncLifetime
{
    private static readonly string[] Regions = ["eu-west", "us-east", "ap-south"];
    private readonly LinkedRegions regions = new(Regions, TimeSpan.FromMilliseconds(10), nodesPerRegion: 2, globalVotersPerRegion: 1);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await regions.StartAsync(Cancel);

    public ValueTask DisposeAsync() => regions.DisposeAsync();

    [Fact]
    public async Task One_voter_per_region_commits_and_every_node_takes_writes_and_holds_the_data()
    {
        using var admin = regions.Client("eu-west");
        await Eventually.StrongGlobalNamespaceAsync(admin, "layout");

        using (var status = await admin.GetAsync(new Uri("/v1/status", UriKind.Relative), Cancel))
        {
            var groups = (await status.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("groups").EnumerateArray()
                .Where(g => GlobalGroups.All.Contains(g.GetProperty("id").GetUInt64())).ToList();
            Assert.Equal(GlobalGroups.All.Count, groups.Count);
            foreach (var group in groups)
            {
                var members = group.GetProperty("members").EnumerateArray().ToList();
                Assert.Equal(6, members.Count);
                Assert.Equal(Regions.Select(r => $"{r}/node-1").Order(), members.Where(m => m.GetProperty("role").GetString() != "learner").Select(m => m.GetProperty("node").GetString()).Order());
            }
        }

        foreach (var region in Regions)
        {
            for (var node = 0; node < 2; node++)
            {
                // Asked again while the node's strong-global replicas are still starting (503, nothing changed).
                using var writer = regions.Client(region, node);
                await Eventually.WrittenAsync(writer, $"/v1/ns/layout/kv/{region}-{node}", "v");
            }
        }

        foreach (var region in Regions)
        {
            using var learner = regions.Client(region, 1);
            await Eventually.HoldsAsync(async () =>
            {
                using var listed = await learner.GetAsync(new Uri("/v1/ns/layout/kv?consistency=serializable", UriKind.Relative), Cancel);
                return listed.IsSuccessStatusCode && (await listed.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("items").GetArrayLength() == 6;
            }, 30, $"{region}/node-2 (a learner) holding every write");
        }
    }
}
