using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Platform.Cli.Up;

namespace Platform.Cli.Tests.Processes;

/// <summary>
/// `platform up` with three regions of three real node processes, linked with a simulated WAN:
/// a strong-global namespace and a local-commit one (created through another region than its
/// home) take writes from every region; with a node of each of two regions killed at once the
/// catalog still takes changes; with two more gone (5 of 9 voters, the quorum) the catalog and
/// the strong-global group still commit, and with one more, writes are refused.
/// </summary>
[Trait("Category", "Integration")]
[Collection(nameof(GlobalProcessTests))]
public sealed class GlobalProcessTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task The_catalog_and_a_strong_global_namespace_take_writes_from_every_region_down_to_the_quorum_of_nine_voters()
    {
        await using var up = await PlatformUpRun.StartAsync(dataDirectory, ["--regions", "eu-west,us-east,ap-south", "--nodes", "3", "--base-port", "0", "--wan-rtt", "20ms"], Cancel);
        var cluster = up.Cluster;
        Assert.All(cluster.Regions, r => Assert.False(string.IsNullOrEmpty(r.InterRegion)));
        var live = cluster.Regions.Select(r => r.Nodes.Select((_, i) => i).ToList()).ToList();
        await CreateAsync(cluster, 0, "fleet", new { mode = "strong-global" });
        await CreateAsync(cluster, 2, "orders", new { mode = "local-commit", homeRegion = cluster.Regions[1].Name });
        await WriteFromEveryRegionAsync(cluster, live, "fleet", "all-up");
        await WriteFromEveryRegionAsync(cluster, live, "orders", "all-up");

        // node-3 of eu-west and of us-east at once: 7 of 9 voters; the catalog still takes changes.
        Kill(cluster.Regions[0].Nodes[2].Pid);
        Kill(cluster.Regions[1].Nodes[2].Pid);
        live[0].Remove(2);
        live[1].Remove(2);
        await CreateAsync(cluster, 2, "after-two-nodes", new { mode = "strong-global" });
        await WriteFromEveryRegionAsync(cluster, live, "fleet", "two-nodes-down");
        await WriteFromEveryRegionAsync(cluster, live, "orders", "two-nodes-down");

        // Two of ap-south's nodes too: 5 of 9, exactly the quorum.
        Kill(cluster.Regions[2].Nodes[0].Pid);
        Kill(cluster.Regions[2].Nodes[1].Pid);
        live[2] = [2];
        await CreateAsync(cluster, 0, "at-quorum", new { mode = "strong-global" });
        await WriteFromEveryRegionAsync(cluster, live, "fleet", "at-quorum");

        // One more (node-2 of us-east): 4 of 9 is no majority, and writes are refused.
        Kill(cluster.Regions[1].Nodes[1].Pid);
        using var refused = await Client(cluster, 0, 0).PutAsync(new Uri("/v1/ns/fleet/kv/setting", UriKind.Relative), new StringContent("no-quorum"), Cancel);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
    }

    /// <summary>Creates a namespace through node-1 of a region (retrying while the catalog elects).</summary>
    private static async Task CreateAsync(ClusterFile cluster, int region, string ns, object settings)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            using var client = Client(cluster, region, 0);
            using var create = await client.PutAsJsonAsync($"/v1/namespaces/{ns}", settings, Cancel);
            if (create.IsSuccessStatusCode)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"creating {ns} through {cluster.Regions[region].Name}: {(int)create.StatusCode} {await create.Content.ReadAsStringAsync(Cancel)}");
            await Task.Delay(200, Cancel);
        }
    }

    /// <summary>
    /// Writes a value through the first live node of each region with any (retrying while a group
    /// elects) and reads it back linearizably through the last live node of each.
    /// </summary>
    private static async Task WriteFromEveryRegionAsync(ClusterFile cluster, List<List<int>> live, string ns, string phase)
    {
        var regions = Enumerable.Range(0, live.Count).Where(r => live[r].Count > 0).ToList();
        foreach (var r in regions)
        {
            var value = $"{phase}-{cluster.Regions[r].Name}";
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            HttpResponseMessage? put = null;
            while (DateTime.UtcNow < deadline)
            {
                put?.Dispose();
                using var writer = Client(cluster, r, live[r][0]);
                put = await writer.PutAsync(new Uri($"/v1/ns/{ns}/kv/setting", UriKind.Relative), new StringContent(value), Cancel);
                if (put.IsSuccessStatusCode)
                {
                    break;
                }

                await Task.Delay(200, Cancel);
            }

            Assert.True(put!.IsSuccessStatusCode, $"{phase}: writing {ns} through {cluster.Regions[r].Name}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(Cancel)}");
            put.Dispose();
            foreach (var reader in regions)
            {
                using var client = Client(cluster, reader, live[reader][^1]);
                Assert.Equal(value, await client.GetStringAsync(new Uri($"/v1/ns/{ns}/kv/setting", UriKind.Relative), Cancel));
            }
        }
    }

    private static HttpClient Client(ClusterFile cluster, int region, int node)
    {
        var client = new HttpClient { BaseAddress = new Uri(cluster.Regions[region].Nodes[node].Http), Timeout = TimeSpan.FromSeconds(15) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.AdminToken);
        return client;
    }

    private static void Kill(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill();
        process.WaitForExit();
    }
}

[CollectionDefinition(nameof(GlobalProcessTests), DisableParallelization = true)]
public sealed class GlobalProcessSuite;
