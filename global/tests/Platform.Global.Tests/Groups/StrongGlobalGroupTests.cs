using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Global.Groups;

namespace Platform.Global.Tests.Groups;

/// <summary>
/// Three one-node regions in this process, linked by the inter-region transport (40 ms WAN round
/// trip): their strong-global group elects a leader across regions, survives losing one region,
/// and has no leader once only one region is left.
/// </summary>
[Trait("Category", "Integration")]
public sealed class StrongGlobalGroupTests : IAsyncLifetime
{
    private static readonly string[] Regions = ["eu-west", "us-east", "ap-south"];
    private readonly LinkedRegions regions = new(Regions, TimeSpan.FromMilliseconds(40));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await regions.StartAsync(Cancel);

    public ValueTask DisposeAsync() => regions.DisposeAsync();

    /// <summary>The strong-global group as one region's node sees it.</summary>
    private async Task<JsonElement?> GlobalGroupAsync(string region)
    {
        using var client = regions.Client(region);
        try
        {
            using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Cancel);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var groups = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("groups").EnumerateArray();
            return groups.Where(g => g.GetProperty("id").GetUInt64() == GlobalGroups.StrongGlobal).Cast<JsonElement?>().FirstOrDefault();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private async Task<string> AgreedLeaderAsync(IReadOnlyList<string> regions, double seconds, string? notThis = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            var leaders = new List<string?>();
            foreach (var region in regions)
            {
                leaders.Add((await GlobalGroupAsync(region))?.GetProperty("leader").GetString());
            }

            if (leaders.All(l => l is not null && l != notThis) && leaders.Distinct().Count() == 1)
            {
                return leaders[0]!;
            }

            await Task.Delay(100, Cancel);
        }

        throw new TimeoutException($"{string.Join(", ", regions)} did not agree on a strong-global leader within {seconds} s");
    }

    [Fact]
    public async Task The_group_spans_the_regions_survives_one_region_and_stops_without_a_majority()
    {
        var leader = await AgreedLeaderAsync(Regions, 60);
        var members = (await GlobalGroupAsync(Regions[0]))!.Value.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("node").GetString()).ToList();
        Assert.Equal(Regions.Select(r => $"{r}/node-1").Order(), members.Order());

        // The leader's region goes away: the other two elect one of themselves.
        var lost = GlobalTopology.RegionOf(leader);
        await regions.StopAsync(lost);
        var survivors = Regions.Where(r => r != lost).ToList();
        var next = await AgreedLeaderAsync(survivors, 30, notThis: leader);
        Assert.NotEqual(leader, next);

        // One more region gone: the last one alone is no majority. Whatever it believed, within an
        // election timeout or two it has no leader, or names one that is gone, never itself.
        await regions.StopAsync(GlobalTopology.RegionOf(next));
        var last = survivors.Single(r => r != GlobalTopology.RegionOf(next));
        var self = $"{last}/node-1";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var seen = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            var view = (await GlobalGroupAsync(last))?.GetProperty("leader").GetString() ?? "(none)";
            seen.Add(view);
            if (view != self && seen.Count >= 10 && seen.TakeLast(10).All(v => v != self))
            {
                break;
            }

            await Task.Delay(200, Cancel);
        }

        Assert.True(seen.TakeLast(10).All(v => v != self), $"{self} alone kept leading: {string.Join(", ", seen)}");
    }

    [Fact]
    public async Task A_region_cut_off_by_the_chaos_routes_loses_the_group_and_catches_up_when_healed()
    {
        var leader = await AgreedLeaderAsync(Regions, 60);
        var cut = GlobalTopology.RegionOf(leader);
        var others = Regions.Where(r => r != cut).ToList();

        // Cut the leader's region off from the other two, from its own node (it drops what it sends and refuses what it gets).
        using (var response = await regions.Client(cut).PostAsJsonAsync("/v1/chaos/partition", new { regions = others }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var next = await AgreedLeaderAsync(others, 30, notThis: leader);
        Assert.Contains(GlobalTopology.RegionOf(next), others);
        var term = (await GlobalGroupAsync(others[0]))!.Value.GetProperty("term").GetInt64();

        // Healed, it follows the new leader in the new term.
        using (var healed = await regions.Client(cut).PostAsync(new Uri("/v1/chaos/heal", UriKind.Relative), null, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, healed.StatusCode);
        }

        var after = await AgreedLeaderAsync(Regions, 30, notThis: leader);
        Assert.True((await GlobalGroupAsync(cut))!.Value.GetProperty("term").GetInt64() >= term);
        Assert.NotEqual(leader, after);

        // Without a token, nothing is cut.
        using var reader = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{regions.HttpPort(cut)}") };
        using var refused = await reader.PostAsync(new Uri("/v1/chaos/heal", UriKind.Relative), null, Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_strong_global_namespace_created_in_one_region_takes_writes_from_every_region()
    {
        await AgreedLeaderAsync(Regions, 60);
        using var eu = regions.Client("eu-west");
        using (var created = await eu.PutAsJsonAsync("/v1/namespaces/flags", new { mode = "strong-global" }, Cancel))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Cancel));
        }

        long last = 0;
        foreach (var region in Regions)
        {
            using var client = regions.Client(region);
            using var put = await client.PutAsync(new Uri($"/v1/ns/flags/kv/switch", UriKind.Relative), new StringContent($"from-{region}"), Cancel);
            Assert.True(put.IsSuccessStatusCode, $"{region}: {await put.Content.ReadAsStringAsync(Cancel)}");
            var revision = (await put.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("revision").GetInt64();
            Assert.True(revision > last);
            last = revision;

            // Read back linearizably from every region: each sees the write just acknowledged.
            foreach (var reader in Regions)
            {
                using var other = regions.Client(reader);
                Assert.Equal($"from-{region}", await other.GetStringAsync(new Uri("/v1/ns/flags/kv/switch", UriKind.Relative), Cancel));
            }
        }

        // A region cut off from the other two cannot commit: no majority of regions. (A follower's
        // region: a leader cut off may have appended the write before it steps down, so all it could
        // honestly say is OutcomeUnknown.)
        var leader = await AgreedLeaderAsync(Regions, 30);
        var cut = Regions.First(r => r != GlobalTopology.RegionOf(leader));
        using var isolated = regions.Client(cut);
        using (var partition = await isolated.PostAsJsonAsync("/v1/chaos/partition", new { regions = Regions.Where(r => r != cut) }, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, partition.StatusCode);
        }

        using (var refused = await isolated.PutAsync(new Uri("/v1/ns/flags/kv/switch", UriKind.Relative), new StringContent("lost"), Cancel))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("QuorumUnavailable", (await refused.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("code").GetString());
        }

        using var majority = regions.Client(Regions.First(r => r != cut));
        using (var onward = await majority.PutAsync(new Uri("/v1/ns/flags/kv/switch", UriKind.Relative), new StringContent("while-cut"), Cancel))
        {
            Assert.True(onward.IsSuccessStatusCode, await onward.Content.ReadAsStringAsync(Cancel));
        }

        // Healed, it catches up.
        using (var heal = await isolated.PostAsync(new Uri("/v1/chaos/heal", UriKind.Relative), null, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, heal.StatusCode);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string? seen = null;
        while (DateTime.UtcNow < deadline && seen != "while-cut")
        {
            using var read = await isolated.GetAsync(new Uri("/v1/ns/flags/kv/switch?consistency=serializable", UriKind.Relative), Cancel);
            seen = read.IsSuccessStatusCode ? await read.Content.ReadAsStringAsync(Cancel) : null;
            await Task.Delay(100, Cancel);
        }

        Assert.Equal("while-cut", seen);
    }




}
