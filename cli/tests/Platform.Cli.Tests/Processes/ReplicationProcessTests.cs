using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Cli.Up;

namespace Platform.Cli.Tests.Processes;

/// <summary>
/// local-commit replication with `platform up`, three regions of three real node processes and a
/// simulated WAN: a write at the home is read in the other regions from their own copies with
/// minRevision; writes go on while a region is isolated, and it catches up with nothing missed or
/// doubled; replication resumes from the watermark when the node running it is killed; the reject
/// policy refuses writes while every copy lags past the RPO; a new home through the namespace PUT
/// under a steady write load loses no acknowledged write, and the old home refuses a write under
/// its old epoch.
/// </summary>
[Trait("Category", "Integration")]
[Collection(nameof(GlobalProcessTests))]
public sealed class ReplicationProcessTests : IDisposable
{
    private const int Home = 1;

    /// <summary>The ap-south node killed on purpose: nothing is sent to it afterwards.</summary>
    private static string? killed;
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
    public async Task Copies_follow_the_home_through_a_cut_a_kill_an_rpo_breach_and_a_switchover()
    {
        await using var up = await PlatformUpRun.StartAsync(dataDirectory, ["--regions", "eu-west,us-east,ap-south", "--nodes", "3", "--base-port", "0", "--wan-rtt", "20ms", "--chaos"], Cancel);
        var cluster = up.Cluster;
        await CreateAsync(cluster, 2, "orders", new { mode = "local-commit", homeRegion = cluster.Regions[Home].Name });
        await ReadsFromCopiesAsync(cluster);
        await CutOffAndCatchUpAsync(cluster);
        await KillTheReplicatingNodeAsync(cluster);
        await RejectWhileLaggingAsync(cluster);
        await SwitchoverUnderLoadAsync(cluster);
    }

    private static async Task ReadsFromCopiesAsync(ClusterFile cluster)
    {
        var revision = await WriteAsync(cluster, Home, "orders", "limit", "10");
        foreach (var region in new[] { 0, 2 })
        {
            await Until(async () =>
            {
                using var client = Client(cluster, region, 2);
                using var read = await client.GetAsync(Relative($"/v1/ns/orders/kv/limit?minRevision={revision}&timeout=10s"), Cancel);
                return read.StatusCode == HttpStatusCode.OK && await read.Content.ReadAsStringAsync(Cancel) == "10"
                    && read.Headers.GetValues("X-Config-Region").Single() == cluster.Regions[region].Name && read.Headers.Contains("X-Config-Lag-Ms");
            }, 30, $"{cluster.Regions[region].Name} answering from its own copy");
        }
    }

    private static async Task CutOffAndCatchUpAsync(ClusterFile cluster)
    {
        // Isolated, not only cut from the home: cut from the home alone, ap-south could keep the
        // catalog's leader with eu-west, out of the home's reach (a partial partition).
        await ChaosAsync(cluster, 2, "isolate?scope=region", new { });
        long last = 0;
        try
        {
            for (var i = 0; i < 30; i++)
            {
                last = await WriteAsync(cluster, Home, "orders", $"cut/{i % 6}", $"v{i}");
            }

            await Until(async () => (await CopyRowAsync(cluster, "orders", 2)).GetProperty("lagRevisions").GetInt64() > 0, 15, "the home seeing ap-south lag");
        }
        finally
        {
            await ChaosAsync(cluster, 2, "heal?scope=region", new { });
        }

        await AssertCaughtUpAsync(cluster, 2, last);
    }

    /// <summary>Kills the node leading ap-south's copy (the one pulling the feed): another takes over from the copy's durable watermark.</summary>
    private static async Task KillTheReplicatingNodeAsync(ClusterFile cluster)
    {
        using var status = Client(cluster, 2, 0);
        var shown = JsonDocument.Parse(await status.GetStringAsync(Relative("/v1/namespaces/orders"), Cancel)).RootElement;
        var group = shown.GetProperty("group").GetInt64();
        var groups = JsonDocument.Parse(await status.GetStringAsync(Relative("/v1/status"), Cancel)).RootElement.GetProperty("groups");
        var leader = groups.EnumerateArray().Single(g => g.GetProperty("id").GetInt64() == group).GetProperty("leader").GetString();
        var victim = cluster.Regions[2].Nodes.Single(n => n.Name == leader);
        killed = victim.Name;
        using (var process = Process.GetProcessById(victim.Pid))
        {
            process.Kill();
            await process.WaitForExitAsync(Cancel);
        }

        long last = 0;
        for (var i = 0; i < 20; i++)
        {
            last = await WriteAsync(cluster, Home, "orders", $"after-kill/{i % 4}", $"v{i}");
        }

        await AssertCaughtUpAsync(cluster, 2, last, avoid: killed);
    }

    private static async Task RejectWhileLaggingAsync(ClusterFile cluster)
    {
        var home = cluster.Regions[Home].Name;
        await CreateAsync(cluster, Home, "strict", new { mode = "local-commit", homeRegion = home, rpo = "1s", rpoPolicy = "reject" });
        await WriteAsync(cluster, Home, "strict", "k", "first");
        foreach (var region in new[] { 0, 2 })
        {
            await ChaosAsync(cluster, region, "latency?scope=region", new { region = home, ms = 4000 });
        }

        try
        {
            await Until(async () =>
            {
                using var client = Client(cluster, Home, 0);
                using var put = await client.PutAsync(Relative("/v1/ns/strict/kv/k"), new StringContent("more"), Cancel);
                return put.StatusCode == HttpStatusCode.ServiceUnavailable && put.Headers.RetryAfter is not null
                    && JsonDocument.Parse(await put.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("code").GetString() == "RpoExceeded";
            }, 30, "a write refused with RpoExceeded while every copy lags past 1 s");
        }
        finally
        {
            foreach (var region in new[] { 0, 2 })
            {
                await ChaosAsync(cluster, region, "heal?scope=region", new { });
            }
        }

        await Until(async () =>
        {
            using var client = Client(cluster, Home, 0);
            using var put = await client.PutAsync(Relative("/v1/ns/strict/kv/k"), new StringContent("healed"), Cancel);
            return put.IsSuccessStatusCode;
        }, 30, "writes taken again once the copies caught up");
    }

    private static async Task SwitchoverUnderLoadAsync(ClusterFile cluster)
    {
        var acknowledged = new ConcurrentDictionary<string, string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var writer = Task.Run(() => WriteSteadilyAsync(cluster, acknowledged, stop.Token), CancellationToken.None);
        await Until(() => Task.FromResult(acknowledged.Count >= 20), 30, "writes before the move");
        using (var client = Client(cluster, Home, 0))
        using (var moved = await client.PutAsJsonAsync("/v1/namespaces/orders", new { mode = "local-commit", homeRegion = cluster.Regions[0].Name }, Cancel))
        {
            Assert.True(moved.IsSuccessStatusCode, $"{(int)moved.StatusCode}: {await moved.Content.ReadAsStringAsync(Cancel)}");
        }

        var countAtMove = acknowledged.Count;
        await Until(() => Task.FromResult(acknowledged.Count >= countAtMove + 20), 60, "writes after the move");
        await stop.CancelAsync();
        await writer;

        using var newHome = Client(cluster, 0, 1);
        foreach (var (key, value) in acknowledged)
        {
            Assert.Equal(value, await newHome.GetStringAsync(Relative($"/v1/ns/orders/kv/{key}"), Cancel));
        }

        // A client cannot pin a write to the old home by setting the forwarded mark itself: only the
        // signed inter-region path marks a request, so this one is sent on to the new home.
        using var oldHome = Client(cluster, Home, 0);
        using var marked = new HttpRequestMessage(HttpMethod.Put, Relative("/v1/ns/orders/kv/marked")) { Content = new StringContent("new-epoch") };
        marked.Headers.Add("X-Platform-Forwarded", "test/stale-route");
        using var forwarded = await oldHome.SendAsync(marked, Cancel);
        var answer = await forwarded.Content.ReadAsStringAsync(Cancel);
        Assert.True(forwarded.IsSuccessStatusCode, $"{(int)forwarded.StatusCode}: {answer}");
        Assert.Equal(cluster.Regions[0].Name, JsonDocument.Parse(answer).RootElement.GetProperty("region").GetString());
    }

    private static async Task WriteSteadilyAsync(ClusterFile cluster, ConcurrentDictionary<string, string> acknowledged, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var key = $"load/{i:D5}";
            while (true)
            {
                using var client = Client(cluster, 0, 2);
                using var request = new HttpRequestMessage(HttpMethod.Put, Relative($"/v1/ns/orders/kv/{key}")) { Content = new StringContent(key) };
                request.Headers.Add("Idempotency-Key", key);
                try
                {
                    using var put = await client.SendAsync(request, CancellationToken.None);
                    if (put.IsSuccessStatusCode)
                    {
                        acknowledged[key] = key;
                        break;
                    }

                    Assert.True(put.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict, $"{(int)put.StatusCode}: {await put.Content.ReadAsStringAsync(CancellationToken.None)}");
                }
                catch (Exception lost) when (lost is HttpRequestException or TaskCanceledException)
                {
                    // The answer was lost: the Idempotency-Key makes the retry safe.
                }

                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    private static async Task AssertCaughtUpAsync(ClusterFile cluster, int region, long revision, string? avoid = null)
    {
        var node = cluster.Regions[region].Nodes.Select((n, i) => (n, i)).First(p => p.n.Name != avoid).i;
        using var copy = Client(cluster, region, node);
        using var home = Client(cluster, Home, 0);
        await Until(async () =>
        {
            using var read = await copy.GetAsync(Relative($"/v1/ns/orders/digest?revision={revision}"), Cancel);
            return read.IsSuccessStatusCode;
        }, 60, $"{cluster.Regions[region].Name} applying revision {revision}");
        var atHome = JsonDocument.Parse(await home.GetStringAsync(Relative($"/v1/ns/orders/digest?revision={revision}"), Cancel)).RootElement.GetProperty("digest").ToString();
        var atCopy = JsonDocument.Parse(await copy.GetStringAsync(Relative($"/v1/ns/orders/digest?revision={revision}"), Cancel)).RootElement.GetProperty("digest").ToString();
        Assert.Equal(atHome, atCopy);
    }

    private static async Task<JsonElement> CopyRowAsync(ClusterFile cluster, string ns, int region)
    {
        using var client = Client(cluster, Home, 0);
        var shown = JsonDocument.Parse(await client.GetStringAsync(Relative($"/v1/namespaces/{ns}"), Cancel)).RootElement;
        return shown.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("region").GetString() == cluster.Regions[region].Name).Clone();
    }

    private static async Task<long> WriteAsync(ClusterFile cluster, int region, string ns, string key, string value)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var client = Client(cluster, region, 0);
            using var put = await client.PutAsync(Relative($"/v1/ns/{ns}/kv/{key}"), new StringContent(value), Cancel);
            var body = await put.Content.ReadAsStringAsync(Cancel);
            if (put.IsSuccessStatusCode)
            {
                return JsonDocument.Parse(body).RootElement.GetProperty("revision").GetInt64();
            }

            Assert.True(DateTime.UtcNow < deadline && put.StatusCode == HttpStatusCode.ServiceUnavailable, $"writing {ns}/{key}: {(int)put.StatusCode} {body}");
            await Task.Delay(200, Cancel);
        }
    }

    private static async Task CreateAsync(ClusterFile cluster, int region, string ns, object settings) => await Until(async () =>
    {
        using var client = Client(cluster, region, 0);
        using var create = await client.PutAsJsonAsync($"/v1/namespaces/{ns}", settings, Cancel);
        return create.IsSuccessStatusCode;
    }, 30, $"creating {ns}");

    private static async Task ChaosAsync(ClusterFile cluster, int region, string action, object body)
    {
        var node = cluster.Regions[region].Nodes.Select((n, i) => (n, i)).First(p => p.n.Name != killed || region != 2).i;
        using var client = Client(cluster, region, node);
        using var response = await client.PostAsJsonAsync($"/v1/chaos/{action}", body, Cancel);
        Assert.True(response.IsSuccessStatusCode, $"chaos {action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
    }

    private static async Task Until(Func<Task<bool>> condition, double seconds, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // A node being killed or electing: asked again.
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} did not happen within {seconds} s");
            await Task.Delay(200, Cancel);
        }
    }

    private static Uri Relative(string path) => new(path, UriKind.Relative);

    private static HttpClient Client(ClusterFile cluster, int region, int node)
    {
        var client = new HttpClient { BaseAddress = new Uri(cluster.Regions[region].Nodes[node].Http), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.AdminToken);
        return client;
    }
}
