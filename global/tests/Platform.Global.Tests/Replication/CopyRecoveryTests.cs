using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Regional.Catalog;
using Platform.Regional.Routing;
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
        return await Eventually.WrittenAsync(home, $"/v1/ns/{ns}/kv/{key}", value);
    }

    private async Task CreateAsync(string ns) => await Eventually.HoldsAsync(async () =>
    {
        using var home = regions.Client(Home);
        using var created = await home.PutAsJsonAsync($"/v1/namespaces/{ns}", new { mode = "local-commit", homeRegion = Home }, Cancel);
        return created.IsSuccessStatusCode;
    }, 60, $"creating {ns}");

    private async Task<string> ReadAtCopyAsync(string ns, string key, long revision)
    {
        // A node just restarted may answer 503 while its groups elect and catch up: asked again.
        using var client = regions.Client(Copy);
        string? value = null;
        await Eventually.HoldsAsync(async () =>
        {
            using var read = await client.GetAsync(Relative($"/v1/ns/{ns}/kv/{key}?minRevision={revision}&timeout=5s"), Cancel);
            Assert.True(read.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{(int)read.StatusCode}: {await read.Content.ReadAsStringAsync(Cancel)}");
            value = read.StatusCode == HttpStatusCode.OK ? await read.Content.ReadAsStringAsync(Cancel) : null;
            return value is not null;
        }, 40, $"reading {ns}/{key} at revision {revision} from us-east's copy");
        return value!;
    }

    /// <summary>Waits until the home learns that us-east's copy applied <paramref name="revision"/>.</summary>
    private Task CopyAppliedAsync(string ns, long revision) => Eventually.HoldsAsync(async () =>
    {
        using var home = regions.Client(Home);
        var shown = JsonDocument.Parse(await home.GetStringAsync(Relative($"/v1/namespaces/{ns}"), Cancel)).RootElement;
        return shown.GetProperty("regions").EnumerateArray().Any(r => r.GetProperty("region").GetString() == Copy && r.GetProperty("appliedRevision").GetInt64() >= revision);
    }, 20, $"the copy of {ns} applying revision {revision}");

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
        await CopyAppliedAsync("entropy", revision);

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

    [Fact]
    public async Task After_a_move_recorded_with_a_fork_the_old_home_drops_what_it_never_shipped_and_revisions_past_the_fork_are_diverged()
    {
        await CreateAsync("forked");
        var kept = await WriteAsync("forked", "limit", "kept");
        await CopyAppliedAsync("forked", kept);

        // The home is cut off from both other regions; what it takes now never ships.
        using (var home = regions.Client(Home))
        using (var cut = await home.PostAsJsonAsync("/v1/chaos/partition", new { regions = new[] { Copy, "ap-south" } }, Cancel))
        {
            Assert.True(cut.IsSuccessStatusCode);
        }

        var lost = await WriteAsync("forked", "limit", "never-shipped");

        // What an unplanned failover records (issue 8 drives it): revoke, wait out the lease, move to us-east with the fork at the last shipped revision.
        // (The catalog's leader may be in the cut-off region: the other two elect one first.)
        await ChangeCatalogAsync(e => e.MovingTo == Copy, e => new BeginMoveCommand("forked", Copy, e.Version, MoveKind.Promotion));
        await Task.Delay(Platform.Global.Leases.HomeLeaseKeeper.DurationFor(new Platform.Global.Transport.InterRegionOptions
        {
            Region = Copy, NodeName = "x", Port = 0, Secret = [], WanRoundTrip = TimeSpan.FromMilliseconds(20),
        }) * 1.01, Cancel);
        await ChangeCatalogAsync(e => e.HomeRegion == Copy, e => new EndMoveCommand("forked", Copy, kept, e.Version));

        // us-east promotes its copy and takes writes in epoch 1.
        long next = 0;
        await Eventually.HoldsAsync(async () =>
        {
            using var client = regions.Client(Copy);
            using var put = await client.PutAsync(Relative("/v1/ns/forked/kv/limit"), new StringContent("new-home"), Cancel);
            if (put.IsSuccessStatusCode)
            {
                next = JsonDocument.Parse(await put.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("revision").GetInt64();
            }

            return put.IsSuccessStatusCode;
        }, 30, "the new home taking writes");
        Assert.Equal(Revisions.Compose(1, 1), next);

        // A revision past the fork is history that no longer exists.
        using (var client = regions.Client(Copy))
        using (var diverged = await client.GetAsync(Relative($"/v1/ns/forked/kv/limit?minRevision={lost}"), Cancel))
        {
            Assert.Equal(HttpStatusCode.Gone, diverged.StatusCode);
            Assert.Equal("Diverged", JsonDocument.Parse(await diverged.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("code").GetString());
        }

        // Healed, the old home learns of the move: it becomes a copy, drops the write it never shipped, and follows us-east.
        using (var home = regions.Client(Home))
        using (var healed = await home.PostAsync(Relative("/v1/chaos/heal"), null, Cancel))
        {
            Assert.True(healed.IsSuccessStatusCode);
        }

        await Eventually.HoldsAsync(async () =>
        {
            using var old = regions.Client(Home);
            using var read = await old.GetAsync(Relative($"/v1/ns/forked/kv/limit?minRevision={next}&timeout=2s"), Cancel);
            return read.IsSuccessStatusCode && await read.Content.ReadAsStringAsync(Cancel) == "new-home" && read.Headers.GetValues("X-Config-Region").Single() == Home;
        }, 30, "the old home following the new one from its copy");
        Assert.Equal(await DigestAsync(Copy, "forked", next), await DigestAsync(Home, "forked", next));
    }

    [Fact]
    public async Task A_watch_at_a_copy_that_drops_a_suffix_ends_diverged_even_before_its_catalog_knows_the_fork()
    {
        await CreateAsync("dropped");
        var kept = await WriteAsync("dropped", "k", "kept");
        var past = await WriteAsync("dropped", "k", "past");
        await CopyAppliedAsync("dropped", past);

        using var copy = regions.Client(Copy);
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        watching.CancelAfter(TimeSpan.FromSeconds(30));
        using var watchRequest = new HttpRequestMessage(HttpMethod.Get, Relative($"/v1/ns/dropped/watch?since={kept}"));
        watchRequest.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var watch = await copy.SendAsync(watchRequest, HttpCompletionOption.ResponseHeadersRead, watching.Token);
        using var reader = new StreamReader(await watch.Content.ReadAsStreamAsync(watching.Token));
        await NextLineAsync(reader, line => line == $"id: {past}", watching.Token);
        await NextLineAsync(reader, line => line.StartsWith("data: ", StringComparison.Ordinal), watching.Token);

        // Drop the copy's suffix past `kept` as the feed's fork answer does, with no fork in the
        // catalog: this node hears of the fork from the data before its catalog replica does.
        var router = regions.Services(Copy).GetRequiredService<GroupRouter>();
        var truncated = await router.ProposeAsync(0, new NamespaceCommand("dropped", new TruncateCommand(kept)), Cancel);
        Assert.True(truncated.Succeeded, truncated.Problem ?? truncated.Write?.Detail);

        Assert.Equal("event: compacted", await NextLineAsync(reader, line => line.StartsWith("event: ", StringComparison.Ordinal) && line != "event: progress", watching.Token));
        var data = JsonDocument.Parse((await NextLineAsync(reader, line => line.StartsWith("data: ", StringComparison.Ordinal), watching.Token))["data: ".Length..]).RootElement;
        Assert.True(data.GetProperty("diverged").GetBoolean());
        Assert.Equal(kept + 1, data.GetProperty("compactRevision").GetInt64());
    }

    /// <summary>The next line of an event stream that <paramref name="wanted"/> accepts.</summary>
    private static async Task<string> NextLineAsync(StreamReader reader, Func<string, bool> wanted, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (wanted(line))
            {
                return line;
            }
        }

        throw new EndOfStreamException("the watch ended before the line looked for");
    }

    /// <summary>Commits a catalog change through us-east's node until the entry shows it (a lost answer or a leader change is asked again).</summary>
    private async Task ChangeCatalogAsync(Func<Platform.Regional.Catalog.CatalogEntry, bool> done, Func<Platform.Regional.Catalog.CatalogEntry, GroupCommand> change)
    {
        var router = regions.Services(Copy).GetRequiredService<GroupRouter>();
        var catalog = regions.Services(Copy).GetRequiredService<NamespaceCatalog>();
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                await router.LinearizableBarrierAsync(catalog.Group, Cancel);
                var entry = catalog.Find("forked")!;
                if (done(entry))
                {
                    return true;
                }

                await router.ProposeAsync(catalog.Group, change(entry), Cancel);
            }
            catch (Platform.Regional.Api.Problems.ApiProblemException)
            {
                // No leader yet, or the answer was lost: looked at again.
            }

            return false;
        }, 30, "the catalog change");
    }
}
