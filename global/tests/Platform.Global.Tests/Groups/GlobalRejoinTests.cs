using System.Net.Http.Json;
using System.Text.Json;
using Platform.Global.Groups;
using Platform.Regional.Hosting;

namespace Platform.Global.Tests.Groups;

/// <summary>
/// A node whose disk is wiped comes back under a new incarnation and rejoins the strong-global
/// groups as it rejoins its region's: the new one is added as a learner, caught up, and then takes
/// its old incarnation's seat (removed, then promoted), so every node has one voter again.
/// </summary>
[Trait("Category", "Integration")]
public sealed class GlobalRejoinTests : IAsyncLifetime
{
    private static readonly string[] Regions = ["eu-west", "us-east", "ap-south"];
    private readonly LinkedRegions regions = new(Regions, TimeSpan.FromMilliseconds(10), nodesPerRegion: 2);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await regions.StartAsync(Cancel);

    public ValueTask DisposeAsync() => regions.DisposeAsync();

    /// <summary>Reads the file unless it is missing or being written (the node holds it exclusively then).</summary>
    private static bool TryRead(string path, out string text)
    {
        try
        {
            text = File.ReadAllText(path);
            return true;
        }
        catch (IOException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static async Task<List<JsonElement>> GlobalGroupsAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Cancel);
            return response.IsSuccessStatusCode
                ? [.. (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("groups").EnumerateArray().Where(g => GlobalGroups.All.Contains(g.GetProperty("id").GetUInt64()))]
                : [];
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }

    [Fact]
    public async Task A_wiped_node_rejoins_the_strong_global_groups_as_a_new_incarnation_and_catches_up()
    {
        using var admin = regions.Client("eu-west");
        await Eventually.StrongGlobalNamespaceAsync(admin, "rejoin");
        for (var i = 0; i < 20; i++)
        {
            using var put = await admin.PutAsync(new Uri($"/v1/ns/rejoin/kv/k{i}", UriKind.Relative), new StringContent($"v{i}"), Cancel);
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(Cancel));
        }

        await regions.StopNodeAsync("us-east", 1);
        Directory.Delete(regions.NodeDirectory("us-east", 1), recursive: true);
        using (var put = await admin.PutAsync(new Uri("/v1/ns/rejoin/kv/while-away", UriKind.Relative), new StringContent("written"), Cancel))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(Cancel));
        }

        await regions.StartNodeAsync("us-east", 1, Cancel);
        var identity = Path.Combine(regions.NodeDirectory("us-east", 1), "replica-id");
        var recorded = string.Empty;
        await Eventually.HoldsAsync(() => Task.FromResult(TryRead(identity, out recorded) && recorded.EndsWith('\n')), 30, "the new incarnation's identity");
        var id = ulong.Parse(recorded.Trim().Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        var incarnation = NodeOptions.IncarnationOf(id);
        Assert.NotEqual(0UL, incarnation);

        // In both strong-global groups: six members, one voter per node, and us-east/node-2's is
        // the new incarnation (a global replica id carries the incarnation above bit 16).
        await Eventually.HoldsAsync(async () =>
        {
            var groups = await GlobalGroupsAsync(admin);
            return groups.Count == GlobalGroups.All.Count && groups.All(g =>
            {
                var members = g.GetProperty("members").EnumerateArray().ToList();
                return members.Count == 6 && members.All(m => m.GetProperty("role").GetString() != "learner")
                    && members.Select(m => m.GetProperty("node").GetString()).Distinct().Count() == 6
                    && members.Single(m => m.GetProperty("node").GetString() == "us-east/node-2").GetProperty("id").GetUInt64() >> 16 == incarnation;
            });
        }, 60, "the new incarnation's promotion to voter");

        using var rejoined = regions.Client("us-east", 1);
        await Eventually.HoldsAsync(async () =>
        {
            using var read = await rejoined.GetAsync(new Uri("/v1/ns/rejoin/kv/while-away?consistency=serializable", UriKind.Relative), Cancel);
            return read.IsSuccessStatusCode && await read.Content.ReadAsStringAsync(Cancel) == "written";
        }, 30, "the rejoined replica catching up");
    }
}
