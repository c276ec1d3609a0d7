using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Regional.Service;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Global.Tests.Replication;

/// <summary>
/// A region's copy comes back right: after its node restarts, replication resumes from the copy's
/// durable watermark with nothing missed or doubled; a copy whose state was corrupted is found by
/// anti-entropy (digests at the same revision) and replaced with the home's.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CopyRecoveryTests : IAsyncLifetime
{
    private const string Home = "eu-west";
    private const string Copy = "us-east";
    private readonly LinkedRegions regions = new(LinkedRegionsFixture.Names, TimeSpan.FromMilliseconds(20));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await regions.StartAsync(Cancel);

    public ValueTask DisposeAsync() => regions.DisposeAsync();

    private static Uri Relative(string path) => new(path, UriKind.Relative);

    private async Task<long> WriteAsync(string ns, string key, string value)
    {
        using var home = regions.Client(Home);
        using var written = await home.PutAsync(Relative($"/v1/ns/{ns}/kv/{key}"), new StringContent(value), Cancel);
        var body = await written.Content.ReadAsStringAsync(Cancel);
        Assert.True(written.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("revision").GetInt64();
    }

    private async Task CreateAsync(string ns) => await Eventually.HoldsAsync(async () =>
    {
        using var home = regions.Client(Home);
        using var created = await home.PutAsJsonAsync($"/v1/namespaces/{ns}", new { mode = "local-commit", homeRegion = Home }, Cancel);
        return created.IsSuccessStatusCode;
    }, 60, $"creating {ns}");

    private async Task<string> ReadAtCopyAsync(string ns, string key, long revision)
    {
        using var client = regions.Client(Copy);
        using var read = await client.GetAsync(Relative($"/v1/ns/{ns}/kv/{key}?minRevision={revision}&timeout=20s"), Cancel);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        return await read.Content.ReadAsStringAsync(Cancel);
    }

    private async Task<string> DigestAsync(string region, string ns, long revision)
    {
        using var client = regions.Client(region);
        using var response = await client.GetAsync(Relative($"/v1/ns/{ns}/digest?revision={revision}"), Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("digest").ToString();
    }

    [Fact]
    public async Task After_a_restart_replication_resumes_from_the_watermark_with_nothing_missed_or_doubled()
    {
        await CreateAsync("restarts");
        long last = 0;
        for (var i = 0; i < 20; i++)
        {
            last = await WriteAsync("restarts", $"k{i % 5}", $"a{i}");
        }

        await ReadAtCopyAsync("restarts", "k0", last);
        await regions.StopNodeAsync(Copy, 0);
        for (var i = 0; i < 20; i++)
        {
            last = await WriteAsync("restarts", $"k{i % 5}", $"b{i}");
        }

        await regions.StartNodeAsync(Copy, 0, Cancel);
        Assert.Equal("b15", await ReadAtCopyAsync("restarts", "k0", last));
        Assert.Equal(await DigestAsync(Home, "restarts", last), await DigestAsync(Copy, "restarts", last));
        using var home = regions.Client(Home);
        using var copy = regions.Client(Copy);
        for (var k = 0; k < 5; k++)
        {
            var atHome = await home.GetStringAsync(Relative($"/v1/ns/restarts/history/k{k}?limit=100"), Cancel);
            var atCopy = await copy.GetStringAsync(Relative($"/v1/ns/restarts/history/k{k}?limit=100"), Cancel);
            Assert.Equal(atHome, atCopy);
        }
    }

    [Fact]
    public async Task A_corrupted_copy_is_found_by_its_digest_and_replaced_with_the_homes_state()
    {
        await CreateAsync("entropy");
        var revision = await WriteAsync("entropy", "limit", "10");
        await Eventually.HoldsAsync(async () =>
        {
            using var home = regions.Client(Home);
            var shown = JsonDocument.Parse(await home.GetStringAsync(Relative("/v1/namespaces/entropy"), Cancel)).RootElement;
            return shown.GetProperty("regions").EnumerateArray().Any(r => r.GetProperty("region").GetString() == Copy && r.GetProperty("appliedRevision").GetInt64() >= revision);
        }, 20, "the copy applying the first write");

        // Corrupt the copy the only way its group allows: a shipped change the home never made,
        // at the revision the home's next write will take (which the copy then skips as applied).
        var router = regions.Services(Copy).GetRequiredService<GroupRouter>();
        var next = revision + 1;
        var bogus = new ChangeEvent(next, ChangeKind.Put, new KeyValue("limit", "999"u8.ToArray(), "text/plain", revision, next, 2));
        var injected = await router.ProposeAsync(0, new NamespaceCommand("entropy", new ReplicateCommand(revision, [new ReplicatedRevision(next, 0, [bogus])])), Cancel);
        Assert.True(injected.Succeeded, injected.Problem ?? injected.Write?.Detail);
        Assert.Equal(next, await WriteAsync("entropy", "limit", "20"));

        await Eventually.HoldsAsync(async () => await DigestAsync(Copy, "entropy", next) == await DigestAsync(Home, "entropy", next), 20,
            "the diverged copy replaced with the home's state");
        Assert.Equal("20", await ReadAtCopyAsync("entropy", "limit", next));
        using var copy = regions.Client(Copy);
        var metrics = await copy.GetStringAsync(Relative("/metrics"), Cancel);
        Assert.Contains("platform_replica_divergence", metrics, StringComparison.Ordinal);
    }
}
