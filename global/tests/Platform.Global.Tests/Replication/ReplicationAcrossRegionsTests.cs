using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Global.Tests.Replication;

/// <summary>
/// local-commit namespaces with three linked one-node regions: the home's writes reach every
/// other region's copy (read there with minRevision), a region cut off lags while the home goes on
/// and catches up when healed with nothing missed or doubled, and each RPO policy acts when the
/// copies lag past the RPO.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ReplicationAcrossRegionsTests(LinkedRegionsFixture regions) : IClassFixture<LinkedRegionsFixture>
{
    private const string Home = "eu-west";
    private static readonly string[] Copies = ["us-east", "ap-south"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }
    }

    private static Uri Relative(string path) => new(path, UriKind.Relative);

    private async Task CreateAsync(string ns, object? extra = null)
    {
        using var home = regions.Client(Home);
        var body = new Dictionary<string, object?> { ["mode"] = "local-commit", ["homeRegion"] = Home };
        foreach (var property in extra?.GetType().GetProperties() ?? [])
        {
            body[property.Name] = property.GetValue(extra);
        }

        await Eventually.HoldsAsync(async () =>
        {
            using var created = await home.PutAsJsonAsync($"/v1/namespaces/{ns}", body, Cancel);
            return created.IsSuccessStatusCode;
        }, 30, $"creating {ns}");
    }

    private async Task<long> WriteAsync(string ns, string key, string value)
    {
        using var home = regions.Client(Home);
        return await Eventually.WrittenAsync(home, $"/v1/ns/{ns}/kv/{key}", value);
    }

    /// <summary>The home's view of one region's copy: {appliedRevision, lagRevisions, lagSeconds, rpoBreached}.</summary>
    private async Task<JsonElement> CopyRowAsync(string ns, string region)
    {
        using var home = regions.Client(Home);
        var shown = await OkJsonAsync(await home.GetAsync(Relative($"/v1/namespaces/{ns}"), Cancel));
        return shown.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("region").GetString() == region);
    }

    [Fact]
    public async Task A_write_at_the_home_is_read_in_every_other_region_with_min_revision()
    {
        await CreateAsync("replicated");
        var revision = await WriteAsync("replicated", "flag", "on");

        foreach (var region in Copies)
        {
            await Eventually.HoldsAsync(async () => (await CopyRowAsync("replicated", region)).GetProperty("appliedRevision").GetInt64() >= revision, 10,
                $"the home learning that {region} applied revision {revision}");
            var row = await CopyRowAsync("replicated", region);
            Assert.Equal(0, row.GetProperty("lagRevisions").GetInt64());
            Assert.False(row.GetProperty("rpoBreached").GetBoolean());
        }

        // The home's status page shows the copies too.
        using (var home = regions.Client(Home))
        {
            var status = await OkJsonAsync(await home.GetAsync(Relative("/v1/status"), Cancel));
            var shown = status.GetProperty("namespaces").EnumerateArray().Single(n => n.GetProperty("name").GetString() == "replicated");
            Assert.Equal(Copies.Order(StringComparer.Ordinal), shown.GetProperty("copies").EnumerateArray().Select(c => c.GetProperty("region").GetString()!).Order(StringComparer.Ordinal));
        }

        // Copies exist now, so the reads are answered in each region from its own copy.
        revision = await WriteAsync("replicated", "flag", "off");
        foreach (var region in Copies)
        {
            using var client = regions.Client(region);
            using var read = await client.GetAsync(Relative($"/v1/ns/replicated/kv/flag?minRevision={revision}&timeout=10s"), Cancel);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("off", await read.Content.ReadAsStringAsync(Cancel));
            Assert.Equal(region, read.Headers.GetValues("X-Config-Region").Single());
            Assert.True(long.Parse(read.Headers.GetValues("X-Config-Revision").Single(), System.Globalization.CultureInfo.InvariantCulture) >= revision);
            Assert.True(read.Headers.Contains("X-Config-Lag-Ms"), "a read served from a copy says how far behind it is");
            Assert.Equal(revision, read.Headers.ETag is { } etag ? long.Parse(etag.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture) : -1);
        }

    }

    [Fact]
    public async Task A_region_cut_off_lags_while_the_home_writes_on_and_catches_up_with_nothing_missed_or_doubled()
    {
        await CreateAsync("cutoff");
        var first = await WriteAsync("cutoff", "k0", "before");

        // ap-south has its copy before it is cut off (a region without one forwards reads to the home).
        await Eventually.HoldsAsync(async () => (await CopyRowAsync("cutoff", "ap-south")).GetProperty("appliedRevision").GetInt64() >= first, 20,
            "ap-south's copy applying the first write");

        // Isolated, not only cut from the home: cut from the home alone, ap-south could keep the
        // catalog's leader with us-east, out of the home's reach (a partial partition).
        await regions.ChaosAsync("ap-south", "isolate");
        long last = 0;
        try
        {
            for (var i = 1; i <= 40; i++)
            {
                last = await WriteAsync("cutoff", $"k{i % 10}", $"v{i}");
            }

            await Eventually.HoldsAsync(async () => (await CopyRowAsync("cutoff", "ap-south")).GetProperty("lagRevisions").GetInt64() > 0, 10,
                "the home seeing ap-south's copy lag");
            using var usEast = regions.Client("us-east");
            using var caughtUp = await usEast.GetAsync(Relative($"/v1/ns/cutoff/kv/k0?minRevision={last}&timeout=10s"), Cancel);
            Assert.Equal(HttpStatusCode.OK, caughtUp.StatusCode);
        }
        finally
        {
            await regions.ChaosAsync("ap-south", "heal");
        }

        using var apSouth = regions.Client("ap-south");
        using (var read = await apSouth.GetAsync(Relative($"/v1/ns/cutoff/kv/k0?minRevision={last}&timeout=20s"), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("v40", await read.Content.ReadAsStringAsync(Cancel));
            Assert.Equal("ap-south", read.Headers.GetValues("X-Config-Region").Single());
        }

        using var home = regions.Client(Home);
        var homeDigest = await OkJsonAsync(await home.GetAsync(Relative($"/v1/ns/cutoff/digest?revision={last}"), Cancel));
        var copyDigest = await OkJsonAsync(await apSouth.GetAsync(Relative($"/v1/ns/cutoff/digest?revision={last}"), Cancel));
        Assert.Equal(homeDigest.GetProperty("digest").ToString(), copyDigest.GetProperty("digest").ToString());

        // Every change exactly once: each key's history at the copy is the home's.
        for (var k = 0; k < 10; k++)
        {
            var atHome = await OkJsonAsync(await home.GetAsync(Relative($"/v1/ns/cutoff/history/k{k}?limit=100"), Cancel));
            var atCopy = await OkJsonAsync(await apSouth.GetAsync(Relative($"/v1/ns/cutoff/history/k{k}?limit=100"), Cancel));
            Assert.Equal(atHome.ToString(), atCopy.ToString());
        }

        await Eventually.HoldsAsync(async () => (await CopyRowAsync("cutoff", "ap-south")).GetProperty("lagRevisions").GetInt64() == 0, 10,
            "the home seeing ap-south caught up");
    }

    [Fact]
    public async Task Each_rpo_policy_acts_when_every_copy_lags_past_the_rpo()
    {
        await CreateAsync("rpo-reject", new { rpo = "1s", rpoPolicy = "reject" });
        await CreateAsync("rpo-throttle", new { rpo = "1s", rpoPolicy = "throttle" });
        await CreateAsync("rpo-alert", new { rpo = "1s", rpoPolicy = "alert" });
        foreach (var ns in new[] { "rpo-reject", "rpo-throttle", "rpo-alert" })
        {
            await WriteAsync(ns, "k", "first");
        }

        // Both copies hear their home 4 s late: the changes still flow, but every copy lags past 1 s.
        foreach (var region in Copies)
        {
            await regions.ChaosAsync(region, "latency", new { region = Home, ms = 4000 });
        }

        try
        {
            using var home = regions.Client(Home);
            HttpResponseMessage? refused = null;
            await Eventually.HoldsAsync(async () =>
            {
                var response = await home.PutAsync(Relative("/v1/ns/rpo-reject/kv/k"), new StringContent("more"), Cancel);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    refused = response;
                    return true;
                }

                response.Dispose();
                return false;
            }, 20, "a write of the reject namespace refused");
            using (refused)
            {
                var problem = JsonDocument.Parse(await refused!.Content.ReadAsStringAsync(Cancel)).RootElement;
                Assert.Equal("RpoExceeded", problem.GetProperty("code").GetString());
                Assert.NotNull(refused.Headers.RetryAfter);
            }

            // Throttle and alert still take writes while breached; the breach shows in the catalog route.
            await WriteAsync("rpo-throttle", "k", "slowed");
            await WriteAsync("rpo-alert", "k", "reported");
            await Eventually.HoldsAsync(async () => (await CopyRowAsync("rpo-alert", "us-east")).GetProperty("rpoBreached").GetBoolean(), 10,
                "the alert namespace flagged as breached");
            using var metrics = await home.GetAsync(Relative("/metrics"), Cancel);
            var text = await metrics.Content.ReadAsStringAsync(Cancel);
            Assert.Contains("platform_rpo_breaches_total", text, StringComparison.Ordinal);
            Assert.Contains("platform_replication_lag_seconds", text, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var region in Copies)
            {
                await regions.ChaosAsync(region, "heal");
            }
        }

        await Eventually.HoldsAsync(async () =>
        {
            using var home = regions.Client(Home);
            using var response = await home.PutAsync(Relative("/v1/ns/rpo-reject/kv/k"), new StringContent("after"), Cancel);
            return response.IsSuccessStatusCode;
        }, 20, "the reject namespace taking writes again once the copies caught up");
    }
}
