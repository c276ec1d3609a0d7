using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Cli.Up;

namespace Platform.Cli.Tests.Processes;

/// <summary>
/// Failover drills through the `platform drill` command against `platform up` (three regions of
/// three real node processes, a simulated WAN, chaos routes):
/// <list type="bullet">
/// <item>a region loss with replication deliberately lagging (the home cut off from the other
/// regions first, acknowledging writes they never get) reports exactly those writes as lost, and
/// the divergent-writes archive holds each of them;</item>
/// <item>a zombie home: every node of the home region frozen (SIGSTOP) past its lease, the namespace
/// promoted elsewhere, the region thawed: it accepts no write, not even the one a client had sent it
/// while it was frozen;</item>
/// <item>failback is a switchover drill back to the original home, losing nothing;</item>
/// <item>a drill that cannot run (a bad target; a region loss that would leave the strong-global
/// groups without a majority) exits non-zero and says why.</item>
/// </list>
/// </summary>
[Trait("Category", "Integration")]
[Collection(nameof(GlobalProcessTests))]
public sealed class DrillProcessTests : IDisposable
{
    private static readonly string[] EuWestOthers = ["us-east", "ap-south"];

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
    public async Task Region_loss_with_lag_a_zombie_home_and_failback_through_the_drill_command()
    {
        await using var up = await PlatformUpRun.StartAsync(dataDirectory, ["--regions", "eu-west,us-east,ap-south", "--nodes", "3", "--base-port", "0", "--wan-rtt", "20ms", "--chaos"], Cancel);
        var cluster = up.Cluster;
        await RegionLossWithLagAsync(cluster);
        var promotedTo = await ZombieHomeAsync(cluster);
        await FailbackAsync(cluster, promotedTo);
        RefusedWithReason(cluster);
        await RefusedWithoutMajorityAsync(cluster);
    }

    private static async Task RegionLossWithLagAsync(ClusterFile cluster)
    {
        await CreateAsync(cluster, "lossy", "eu-west", "30s");
        for (var i = 0; i < 5; i++)
        {
            await WriteAsync(cluster, "eu-west", "lossy", $"kept/{i}", $"v{i}");
        }

        await Until(async () =>
        {
            using var client = Client(cluster, "ap-south");
            using var shown = await client.GetAsync(Relative("/v1/namespaces/lossy"), Cancel);
            var rows = JsonDocument.Parse(await shown.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("regions");
            return rows.EnumerateArray().All(r => r.GetProperty("lagRevisions").GetInt64() == 0 && r.GetProperty("appliedRevision").GetInt64() >= 5);
        }, 30, "every region's copy of 'lossy' holding the first writes");

        // eu-west's edge already serves the namespace (its catalog entry and upstream watch are open)
        // before the cut, as an edge in production would: after the cut it only fetches keys.
        using var edge = EdgeClient(cluster, "eu-west");
        Assert.Equal("v0", await edge.GetStringAsync(Relative("/v1/ns/lossy/kv/kept/0"), Cancel));

        using (var euWest = Client(cluster, "eu-west"))
        using (var cut = await euWest.PostAsJsonAsync("/v1/chaos/partition?scope=region", new { regions = EuWestOthers }, Cancel))
        {
            Assert.True(cut.IsSuccessStatusCode, await cut.Content.ReadAsStringAsync(Cancel));
        }

        // eu-west's edge proxy reads each write that will not survive right after it, and caches
        // it, while the cut-off region still serves reads (its catalog is fresh for a few seconds).
        var lost = new Dictionary<string, string>();
        var cachedAtEdge = new List<string>();
        var edgeAnswers = new List<string>();
        using (var euWest = Client(cluster, "eu-west"))
        {
            for (var i = 0; i < 6; i++)
            {
                using var put = await euWest.PutAsync(Relative($"/v1/ns/lossy/kv/lost/{i}"), new StringContent($"gone{i}"), Cancel);
                if (!put.IsSuccessStatusCode)
                {
                    break;
                }

                lost[$"lost/{i}"] = $"gone{i}";
                using var cached = await edge.GetAsync(Relative($"/v1/ns/lossy/kv/lost/{i}"), Cancel);
                var body = await cached.Content.ReadAsStringAsync(Cancel);
                edgeAnswers.Add($"lost/{i}: {(int)cached.StatusCode} {body}");
                if (cached.IsSuccessStatusCode && body == $"gone{i}")
                {
                    cachedAtEdge.Add($"lost/{i}");
                }
            }
        }

        Assert.NotEmpty(lost);
        Assert.True(cachedAtEdge.Count > 0, "eu-west's edge served none of the doomed writes:\n" + string.Join('\n', edgeAnswers));

        var (exit, output, error) = await DrillAsync(cluster, "us-east", "region-loss", "--region", "eu-west", "--ns", "lossy", "--output", "json");
        Assert.True(exit == ExitCodes.Ok, $"exit {exit}\n{output}\n{error}");
        var report = JsonDocument.Parse(output).RootElement;
        var figures = report.GetProperty("namespaces").EnumerateArray().Single();
        Assert.Equal(lost.Count, figures.GetProperty("lostWrites").GetInt32());
        Assert.Contains("take eu-west away", error, StringComparison.Ordinal);

        using var apSouth = Client(cluster, "ap-south");
        var archive = JsonDocument.Parse(await apSouth.GetStringAsync(Relative("/v1/ns/lossy/divergent"), Cancel)).RootElement.GetProperty("items").EnumerateArray()
            .Where(w => w.GetProperty("acknowledged").GetBoolean())
            .ToDictionary(w => w.GetProperty("key").GetString()!, w => Encoding.UTF8.GetString(Convert.FromBase64String(w.GetProperty("value").GetString()!)));
        Assert.Equal(lost.OrderBy(l => l.Key), archive.OrderBy(a => a.Key));

        // Once eu-west is back, its edge learns the history forked (Diverged), drops what it held
        // and serves the new home's state: the lost writes are gone, the kept ones are there.
        await Until(async () =>
        {
            using var read = await edge.GetAsync(Relative($"/v1/ns/lossy/kv/{cachedAtEdge[0]}"), Cancel);
            return read.StatusCode == HttpStatusCode.NotFound;
        }, 60, "eu-west's edge forgetting the writes lost in the failover");
        foreach (var key in cachedAtEdge)
        {
            using var read = await edge.GetAsync(Relative($"/v1/ns/lossy/kv/{key}"), Cancel);
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        }

        Assert.Equal("v0", await edge.GetStringAsync(Relative("/v1/ns/lossy/kv/kept/0"), Cancel));
    }

    private static HttpClient EdgeClient(ClusterFile cluster, string region)
    {
        var client = new HttpClient { BaseAddress = new Uri(cluster.Regions.Single(r => r.Name == region).Edge!.Http), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.AdminToken);
        return client;
    }

    /// <summary>Freezes every node of ap-south (home of 'zombie') past its lease, promotes, thaws; returns the new home.</summary>
    private static async Task<string> ZombieHomeAsync(ClusterFile cluster)
    {
        await CreateAsync(cluster, "zombie", "ap-south", "30s");
        var before = await WriteAsync(cluster, "ap-south", "zombie", "before", "1");
        await Until(async () =>
        {
            using var client = Client(cluster, "us-east");
            using var read = await client.GetAsync(Relative($"/v1/ns/zombie/kv/before?minRevision={before}&timeout=5s"), Cancel);
            return read.IsSuccessStatusCode && read.Headers.Contains("X-Config-Lag-Ms") && read.Headers.GetValues("X-Config-Region").Single() == "us-east";
        }, 30, "us-east's copy of 'zombie' holding the first write");

        var frozen = cluster.Regions.Single(r => r.Name == "ap-south").Nodes;
        foreach (var node in frozen)
        {
            NodeProcess.Signal(node.Pid, stop: true);
        }

        // A client's write reaches a frozen node and waits in its socket.
        using var stuckClient = Client(cluster, "ap-south");
        stuckClient.Timeout = TimeSpan.FromMinutes(2);
        var stuck = stuckClient.PutAsync(Relative("/v1/ns/zombie/kv/stuck"), new StringContent("zombie"), Cancel);
        string newHome;
        try
        {
            await Until(async () =>
            {
                using var client = Client(cluster, "us-east");
                var status = JsonDocument.Parse(await client.GetStringAsync(Relative("/v1/status"), Cancel)).RootElement;
                return status.GetProperty("regions").EnumerateArray().Any(r => r.GetProperty("name").GetString() == "ap-south" && !r.GetProperty("reachable").GetBoolean());
            }, 30, "us-east seeing ap-south unreachable");

            var (exit, output, error) = await DrillAsync(cluster, "us-east", "region-loss", "--region", "ap-south", "--ns", "zombie", "--output", "json");
            Assert.True(exit == ExitCodes.Ok, $"exit {exit}\n{output}\n{error}");
            newHome = JsonDocument.Parse(output).RootElement.GetProperty("namespaces").EnumerateArray().Single().GetProperty("newHome").GetString()!;
            Assert.NotEqual("ap-south", newHome);
        }
        finally
        {
            foreach (var node in frozen)
            {
                NodeProcess.Signal(node.Pid, stop: false);
            }
        }

        // Awake: the write it held is not accepted by ap-south, and neither is any new one sent to it.
        using (var answer = await stuck)
        {
            AssertNotAcceptedByZombie(answer, await answer.Content.ReadAsStringAsync(Cancel));
        }

        var until = DateTime.UtcNow + TimeSpan.FromSeconds(8);
        var i = 0;
        while (DateTime.UtcNow < until)
        {
            foreach (var node in frozen)
            {
                using var client = new HttpClient { BaseAddress = new Uri(node.Http) };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.AdminToken);
                using var put = await client.PutAsync(Relative($"/v1/ns/zombie/kv/after/{i++}"), new StringContent("x"), Cancel);
                AssertNotAcceptedByZombie(put, await put.Content.ReadAsStringAsync(Cancel));
            }

            await Task.Delay(200, Cancel);
        }

        return newHome;
    }

    private static void AssertNotAcceptedByZombie(HttpResponseMessage answer, string body)
    {
        if (answer.IsSuccessStatusCode)
        {
            // Forwarded to the new home: numbered there, in the next epoch.
            var written = JsonDocument.Parse(body).RootElement;
            Assert.NotEqual("ap-south", written.GetProperty("region").GetString());
            Assert.True(written.GetProperty("epoch").GetInt64() >= 1, body);
        }
        else
        {
            Assert.True(answer.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.Conflict, $"{(int)answer.StatusCode}: {body}");
        }
    }

    private static async Task FailbackAsync(ClusterFile cluster, string from)
    {
        var (exit, output, error) = await DrillAsync(cluster, "eu-west", "switchover", "--region", from, "--target", "ap-south", "--ns", "zombie", "--output", "json");
        Assert.True(exit == ExitCodes.Ok, $"exit {exit}\n{output}\n{error}");
        var figures = JsonDocument.Parse(output).RootElement.GetProperty("namespaces").EnumerateArray().Single();
        Assert.Equal(("ap-south", 0), (figures.GetProperty("newHome").GetString(), figures.GetProperty("lostWrites").GetInt32()));
        using var client = Client(cluster, "eu-west");
        var entry = JsonDocument.Parse(await client.GetStringAsync(Relative("/v1/namespaces/zombie"), Cancel)).RootElement;
        Assert.Equal(("ap-south", 2L), (entry.GetProperty("homeRegion").GetString(), entry.GetProperty("epoch").GetInt64()));
    }

    private static void RefusedWithReason(ClusterFile cluster)
    {
        var (exit, _, error) = CliRunner.Run("drill", "switchover", "--region", "eu-west", "--target", "mars", "--endpoint", Endpoint(cluster, "us-east"), "--token", cluster.AdminToken!);
        Assert.NotEqual(ExitCodes.Ok, exit);
        Assert.Contains("target region", error, StringComparison.Ordinal);
    }

    /// <summary>With ap-south isolated, losing eu-west too would leave the strong-global groups 3 of 9 voters: refused, with the reason.</summary>
    private static async Task RefusedWithoutMajorityAsync(ClusterFile cluster)
    {
        using var apSouth = Client(cluster, "ap-south");
        using (var isolated = await apSouth.PostAsync(Relative("/v1/chaos/isolate?scope=region"), null, Cancel))
        {
            Assert.True(isolated.IsSuccessStatusCode, await isolated.Content.ReadAsStringAsync(Cancel));
        }

        try
        {
            var (exit, _, error) = await DrillAsync(cluster, "us-east", "region-loss", "--region", "eu-west");
            Assert.NotEqual(ExitCodes.Ok, exit);
            Assert.Contains("would leave the strong-global groups", error, StringComparison.Ordinal);
        }
        finally
        {
            using var healed = await apSouth.PostAsync(Relative("/v1/chaos/heal?scope=region"), null, Cancel);
            Assert.True(healed.IsSuccessStatusCode, await healed.Content.ReadAsStringAsync(Cancel));
        }
    }

    private static Task<(int ExitCode, string Output, string Error)> DrillAsync(ClusterFile cluster, string via, params string[] args) =>
        Task.Run(() => CliRunner.Run(["drill", .. args, "--endpoint", Endpoint(cluster, via), "--token", cluster.AdminToken!]));

    private static string Endpoint(ClusterFile cluster, string region) => cluster.Regions.Single(r => r.Name == region).Nodes[0].Http;

    private static async Task CreateAsync(ClusterFile cluster, string ns, string home, string rpo) => await Until(async () =>
    {
        using var client = Client(cluster, home);
        using var created = await client.PutAsJsonAsync($"/v1/namespaces/{ns}", new { mode = "local-commit", homeRegion = home, rpo }, Cancel);
        return created.IsSuccessStatusCode;
    }, 60, $"creating {ns}");

    private static async Task<long> WriteAsync(ClusterFile cluster, string region, string ns, string key, string value)
    {
        long revision = 0;
        await Until(async () =>
        {
            using var client = Client(cluster, region);
            using var put = await client.PutAsync(Relative($"/v1/ns/{ns}/kv/{key}"), new StringContent(value), Cancel);
            if (!put.IsSuccessStatusCode)
            {
                return false;
            }

            revision = JsonDocument.Parse(await put.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("revision").GetInt64();
            return true;
        }, 30, $"writing {key} in {ns}");
        return revision;
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
            catch (Exception notYet) when (notYet is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException && !Cancel.IsCancellationRequested)
            {
                // A node starting or electing: asked again.
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} did not happen within {seconds} s");
            await Task.Delay(200, Cancel);
        }
    }

    private static Uri Relative(string path) => new(path, UriKind.Relative);

    private static HttpClient Client(ClusterFile cluster, string region)
    {
        var client = new HttpClient { BaseAddress = new Uri(Endpoint(cluster, region)) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.AdminToken);
        return client;
    }
}
