using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Regional.Routing;

namespace Platform.Global.Tests.Hosting;

/// <summary>
/// The catalog with three linked regions: a namespace created through any region exists in every
/// region when the PUT returns, a local-commit namespace's requests reach its home from anywhere,
/// bad settings change nothing anywhere, and tokens (kept in the catalog) work and stop working in
/// every region.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CatalogAcrossRegionsTests(LinkedRegionsFixture regions) : IClassFixture<LinkedRegionsFixture>
{
    private static readonly string[] Regions = LinkedRegionsFixture.Names;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == status, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_local_commit_namespace_created_through_another_region_is_usable_in_every_region()
    {
        using var creator = regions.Client("ap-south");
        using (var created = await creator.PutAsJsonAsync("/v1/namespaces/orders", new { mode = "local-commit", homeRegion = "us-east", rpo = "2s" }, Cancel))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var shown = await OkJsonAsync(created);
            Assert.Equal(("us-east", 0L, "2s"), (shown.GetProperty("homeRegion").GetString(), shown.GetProperty("epoch").GetInt64(), shown.GetProperty("rpo").GetString()));
        }

        long last = 0;
        foreach (var region in Regions)
        {
            using var client = regions.Client(region);
            var written = await OkJsonAsync(await client.PutAsync(new Uri("/v1/ns/orders/kv/limit", UriKind.Relative), new StringContent($"from-{region}"), Cancel));
            Assert.Equal("us-east", written.GetProperty("region").GetString());
            Assert.True(written.GetProperty("revision").GetInt64() > last);
            last = written.GetProperty("revision").GetInt64();

            foreach (var reader in Regions)
            {
                using var other = regions.Client(reader);
                using var read = await other.GetAsync(new Uri("/v1/ns/orders/kv/limit", UriKind.Relative), Cancel);
                Assert.Equal($"from-{region}", await read.Content.ReadAsStringAsync(Cancel));
                Assert.Equal("us-east", read.Headers.GetValues("X-Config-Region").Single());
            }
        }

        foreach (var region in Regions)
        {
            using var client = regions.Client(region);
            var shown = await OkJsonAsync(await client.GetAsync(new Uri("/v1/namespaces/orders", UriKind.Relative), Cancel));
            Assert.Equal(("local-commit", "us-east", last), (shown.GetProperty("mode").GetString(), shown.GetProperty("homeRegion").GetString(), shown.GetProperty("revision").GetInt64()));
            var listed = await OkJsonAsync(await client.GetAsync(new Uri("/v1/namespaces", UriKind.Relative), Cancel));
            Assert.Contains("orders", listed.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString()));
        }
    }

    [Fact]
    public async Task A_namespace_deleted_through_any_region_is_gone_in_every_region_and_comes_back_in_a_later_epoch()
    {
        using var eu = regions.Client("eu-west");
        await OkJsonAsync(await eu.PutAsJsonAsync("/v1/namespaces/gone", new { mode = "local-commit", homeRegion = "eu-west" }, Cancel));
        var first = (await OkJsonAsync(await eu.PutAsync(new Uri("/v1/ns/gone/kv/a", UriKind.Relative), new StringContent("1"), Cancel))).GetProperty("revision").GetInt64();

        using var ap = regions.Client("ap-south");
        await OkJsonAsync(await ap.DeleteAsync(new Uri("/v1/namespaces/gone", UriKind.Relative), Cancel));
        foreach (var region in Regions)
        {
            using var client = regions.Client(region);
            await AssertProblemAsync(await client.GetAsync(new Uri("/v1/ns/gone/kv/a", UriKind.Relative), Cancel), HttpStatusCode.NotFound, "NamespaceNotFound");
        }

        var again = await OkJsonAsync(await ap.PutAsJsonAsync("/v1/namespaces/gone", new { mode = "strong-global" }, Cancel));
        Assert.Equal(1, again.GetProperty("epoch").GetInt64());
        var second = (await OkJsonAsync(await ap.PutAsync(new Uri("/v1/ns/gone/kv/b", UriKind.Relative), new StringContent("2"), Cancel))).GetProperty("revision").GetInt64();
        Assert.True(second > first, $"revision {second} after {first}: a revision was handed out twice");
        await AssertProblemAsync(await eu.GetAsync(new Uri("/v1/ns/gone/kv/a", UriKind.Relative), Cancel), HttpStatusCode.NotFound, "KeyNotFound");
    }

    public static TheoryData<string, string> BadSettings => new()
    {
        { "unknown-region", """{"mode":"local-commit","homeRegion":"mars-north"}""" },
        { "unknown-mode", """{"mode":"eventual"}""" },
        { "no-home", """{"mode":"local-commit"}""" },
        { "bad-rpo", """{"mode":"strong-global","rpo":"5 parsecs"}""" },
        { "bad-policy", """{"mode":"strong-global","rpoPolicy":"maybe"}""" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Bad_settings_are_refused_and_the_namespace_exists_nowhere(string ns, string body)
    {
        using var client = regions.Client("us-east");
        using (var refused = await client.PutAsync(new Uri($"/v1/namespaces/{ns}", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), Cancel))
        {
            await AssertProblemAsync(refused, HttpStatusCode.BadRequest, "InvalidRequest");
        }

        foreach (var region in Regions)
        {
            using var other = regions.Client(region);
            await AssertProblemAsync(await other.GetAsync(new Uri($"/v1/namespaces/{ns}", UriKind.Relative), Cancel), HttpStatusCode.NotFound, "NamespaceNotFound");
        }
    }

    [Fact]
    public async Task A_mode_change_with_bad_input_is_refused_and_the_namespace_stays()
    {
        // (A good one is a switchover: Replication/ModeChangeTests, SwitchoverTests.)
        using var client = regions.Client("eu-west");
        await OkJsonAsync(await client.PutAsJsonAsync("/v1/namespaces/stays", new { mode = "local-commit", homeRegion = "ap-south" }, Cancel));
        await AssertProblemAsync(await client.PutAsJsonAsync("/v1/namespaces/stays", new { mode = "strong-global", rpo = "5 parsecs" }, Cancel), HttpStatusCode.BadRequest, "InvalidRequest");
        await AssertProblemAsync(await client.PutAsJsonAsync("/v1/namespaces/stays", new { mode = "local-commit", homeRegion = "mars" }, Cancel), HttpStatusCode.BadRequest, "InvalidRequest");
        var shown = await OkJsonAsync(await client.GetAsync(new Uri("/v1/namespaces/stays", UriKind.Relative), Cancel));
        Assert.Equal(("local-commit", "ap-south", 0L), (shown.GetProperty("mode").GetString(), shown.GetProperty("homeRegion").GetString(), shown.GetProperty("epoch").GetInt64()));

        await OkJsonAsync(await client.PutAsJsonAsync("/v1/namespaces/stays-global", new { mode = "strong-global" }, Cancel));
        await AssertProblemAsync(await client.PutAsJsonAsync("/v1/namespaces/stays-global", new { mode = "local-commit", homeRegion = "mars" }, Cancel), HttpStatusCode.BadRequest, "InvalidRequest");
        await AssertProblemAsync(await client.PutAsJsonAsync("/v1/namespaces/stays-global", new { mode = "local-commit" }, Cancel), HttpStatusCode.BadRequest, "InvalidRequest");
        var global = await OkJsonAsync(await client.GetAsync(new Uri("/v1/namespaces/stays-global", UriKind.Relative), Cancel));
        Assert.Equal(("strong-global", 0L), (global.GetProperty("mode").GetString(), global.GetProperty("epoch").GetInt64()));
    }

    [Fact]
    public async Task A_watch_of_a_namespace_homed_elsewhere_streams_from_its_home()
    {
        using var admin = regions.Client("us-east");
        await OkJsonAsync(await admin.PutAsJsonAsync("/v1/namespaces/watched", new { mode = "local-commit", homeRegion = "us-east" }, Cancel));

        using var watcher = regions.Client("eu-west");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/ns/watched/watch?since=0", UriKind.Relative));
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var stream = await watcher.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var lines = new StreamReader(await stream.Content.ReadAsStreamAsync(Cancel));

        using var writer = regions.Client("ap-south");
        await OkJsonAsync(await writer.PutAsync(new Uri("/v1/ns/watched/kv/k", UriKind.Relative), new StringContent("v1"), Cancel));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        string? line;
        while ((line = await lines.ReadLineAsync(timeout.Token)) is not null && line != "event: put")
        {
        }

        Assert.Equal("event: put", line);

        // The long poll goes the same way.
        using var poll = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/ns/watched/watch?since=0&wait=5s", UriKind.Relative));
        poll.Headers.Accept.ParseAdd("application/json");
        var events = await OkJsonAsync(await watcher.SendAsync(poll, Cancel));
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("key").GetString() == "k");
    }

    [Fact]
    public async Task A_token_works_in_every_region_and_once_revoked_stops_in_every_region_within_the_staleness_bound()
    {
        using var eu = regions.Client("eu-west");
        var created = await OkJsonAsync(await eu.PostAsJsonAsync("/v1/tokens", new { name = "reader-everywhere", grants = new[] { new { @namespace = "*", role = "reader" } } }, Cancel));
        var token = created.GetProperty("token").GetString()!;
        foreach (var region in Regions)
        {
            using var client = regions.ClientWith(region, token);
            await OkJsonAsync(await client.GetAsync(new Uri("/v1/namespaces", UriKind.Relative), Cancel));
        }

        using var us = regions.Client("us-east");
        await OkJsonAsync(await us.DeleteAsync(new Uri("/v1/tokens/reader-everywhere", UriKind.Relative), Cancel));
        var revoked = Stopwatch.StartNew();
        foreach (var region in Regions)
        {
            using var client = regions.ClientWith(region, token);
            HttpStatusCode status;
            do
            {
                using var response = await client.GetAsync(new Uri("/v1/namespaces", UriKind.Relative), Cancel);
                status = response.StatusCode;
                if (status != HttpStatusCode.Unauthorized)
                {
                    await Task.Delay(50, Cancel);
                }
            }
            while (status != HttpStatusCode.Unauthorized && revoked.Elapsed < NamespaceCatalog.MaxStaleness);

            Assert.True(status == HttpStatusCode.Unauthorized, $"{region} still took the revoked token {revoked.Elapsed.TotalSeconds:0.0} s after the revoke");
        }
    }
}
