using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Platform.Cli.Up;

namespace Platform.Cli.Tests.Processes;

/// <summary>
/// `platform up` with three regions of three real node processes, linked with a simulated WAN:
/// a strong-global namespace created in one region takes writes from every region; it survives a
/// whole region killed and then a node more (5 of 9 voters, the quorum), and refuses writes
/// once one more node is gone.
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
    public async Task A_strong_global_namespace_takes_writes_from_every_region_and_survives_losing_nodes_and_a_region()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "platform.dll"), "up", "--regions", "eu-west,us-east,ap-south", "--nodes", "3", "--base-port", "0", "--wan-rtt", "20ms", "--data-dir", dataDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        using var up = Process.Start(start)!;
        _ = up.StandardOutput.ReadToEndAsync(Cancel);
        _ = up.StandardError.ReadToEndAsync(Cancel);
        try
        {
            var clusterPath = Path.Combine(dataDirectory, "cluster.json");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (!File.Exists(clusterPath) && DateTime.UtcNow < deadline && !up.HasExited)
            {
                await Task.Delay(200, Cancel);
            }

            var cluster = ClusterFile.Read(clusterPath);
            Assert.All(cluster.Regions, r => Assert.False(string.IsNullOrEmpty(r.InterRegion)));
            using var create = await Client(cluster, 0, 0).PutAsJsonAsync("/v1/namespaces/fleet", new { mode = "strong-global" }, Cancel);
            Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync(Cancel));

            await WriteFromEveryRegionAsync(cluster, [0, 1, 2], "all-up");

            // All of ap-south: 6 of 9 voters remain.
            foreach (var node in cluster.Regions[2].Nodes)
            {
                Kill(node.Pid);
            }

            await WriteFromEveryRegionAsync(cluster, [0, 1], "region-down");

            // A region and a node (node-3 of eu-west): 5 of 9, exactly the quorum.
            Kill(cluster.Regions[0].Nodes[2].Pid);
            await WriteFromEveryRegionAsync(cluster, [0, 1], "region-and-node-down");

            // One more (node-3 of us-east): 4 of 9 is no majority, and writes are refused.
            Kill(cluster.Regions[1].Nodes[2].Pid);
            using var refused = await Client(cluster, 0, 0).PutAsync(new Uri("/v1/ns/fleet/kv/setting", UriKind.Relative), new StringContent("no-quorum"), Cancel);
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }
        finally
        {
            if (!up.HasExited)
            {
                up.Kill(entireProcessTree: true);
                await up.WaitForExitAsync(Cancel);
            }
        }
    }

    /// <summary>Writes a value through node-1 of each region (retrying while the group elects) and reads it back linearizably through node-2 of every region.</summary>
    private static async Task WriteFromEveryRegionAsync(ClusterFile cluster, int[] regions, string phase)
    {
        foreach (var r in regions)
        {
            var value = $"{phase}-{cluster.Regions[r].Name}";
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            HttpResponseMessage? put = null;
            while (DateTime.UtcNow < deadline)
            {
                put?.Dispose();
                using var writer = Client(cluster, r, 0);
                put = await writer.PutAsync(new Uri("/v1/ns/fleet/kv/setting", UriKind.Relative), new StringContent(value), Cancel);
                if (put.IsSuccessStatusCode)
                {
                    break;
                }

                await Task.Delay(200, Cancel);
            }

            Assert.True(put!.IsSuccessStatusCode, $"{phase}: writing through {cluster.Regions[r].Name}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync(Cancel)}");
            put.Dispose();
            foreach (var reader in regions)
            {
                using var client = Client(cluster, reader, 1);
                Assert.Equal(value, await client.GetStringAsync(new Uri("/v1/ns/fleet/kv/setting", UriKind.Relative), Cancel));
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
