using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Platform.Regional.Tests.Api;

[Trait("Category", "Integration")]
[Collection(SharedApiRegion.Name)]
public sealed class KvApiTests(ApiRegion region)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task CreateNamespaceAsync(string ns)
    {
        using var response = await region.Admin().PutAsJsonAsync($"/v1/namespaces/{ns}", new { mode = "local-commit", homeRegion = "test" }, Cancel);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task A_write_through_any_node_is_read_back_linearizably_from_every_node()
    {
        await CreateNamespaceAsync("kv-any");
        for (var writer = 0; writer < 3; writer++)
        {
            using var put = await region.Admin(writer).PutAsync($"/v1/ns/kv-any/kv/app/limit", new StringContent($"v{writer}", Encoding.UTF8, "text/plain"), Cancel);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var written = await put.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            for (var reader = 0; reader < 3; reader++)
            {
                using var get = await region.Admin(reader).GetAsync("/v1/ns/kv-any/kv/app/limit", Cancel);
                Assert.Equal(HttpStatusCode.OK, get.StatusCode);
                Assert.Equal($"v{writer}", await get.Content.ReadAsStringAsync(Cancel));
                Assert.Equal("text/plain; charset=utf-8", get.Content.Headers.ContentType!.ToString());
                Assert.Equal($"\"{written.GetProperty("modRevision").GetInt64()}\"", get.Headers.ETag!.Tag);
                Assert.Equal(written.GetProperty("revision").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), get.Headers.GetValues("X-Config-Revision").Single());
            }
        }
    }
}

[Trait("Category", "Integration")]
[Collection(SharedApiRegion.Name)]
public sealed class KvSemanticsTests(ApiRegion region)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private HttpClient Admin => region.Admin();

    private static HttpRequestMessage Put(string path, string value, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(value, Encoding.UTF8, "text/plain") };
        foreach (var (name, text) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, text);
        }

        return request;
    }

    [Fact]
    public async Task Compare_and_swap_and_create_only_follow_the_headers()
    {
        await Admin.CreateNamespaceAsync("cas");
        using var create = await Admin.SendAsync(Put("/v1/ns/cas/kv/k", "1", ("If-None-Match", "*")), Cancel);
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        var first = await create.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        using var again = await Admin.SendAsync(Put("/v1/ns/cas/kv/k", "2", ("If-None-Match", "*")), Cancel);
        await again.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "PreconditionFailed");

        var modRevision = first.GetProperty("modRevision").GetInt64();
        using var stale = await Admin.SendAsync(Put("/v1/ns/cas/kv/k", "3", ("If-Match", $"\"{modRevision + 100}\"")), Cancel);
        await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        using var swap = await region.Admin(2).SendAsync(Put("/v1/ns/cas/kv/k", "4", ("If-Match", $"\"{modRevision}\"")), Cancel);
        Assert.Equal(HttpStatusCode.OK, swap.StatusCode);
        var swapped = await swap.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(2, swapped.GetProperty("version").GetInt64());
        Assert.Equal(modRevision, swapped.GetProperty("createRevision").GetInt64());
        Assert.Equal("test", swapped.GetProperty("region").GetString());
        Assert.Equal(0, swapped.GetProperty("epoch").GetInt64());

        using var staleDelete = await Admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/ns/cas/kv/k") { Headers = { { "If-Match", $"\"{modRevision}\"" } } }, Cancel);
        await staleDelete.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        using var delete = await Admin.DeleteAsync("/v1/ns/cas/kv/k", Cancel);
        var deleted = await delete.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(1, deleted.GetProperty("deleted").GetInt32());
        using var gone = await Admin.GetAsync("/v1/ns/cas/kv/k", Cancel);
        await gone.AssertProblemAsync(HttpStatusCode.NotFound, "KeyNotFound");
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_first_outcome()
    {
        await Admin.CreateNamespaceAsync("idem");
        using var first = await Admin.SendAsync(Put("/v1/ns/idem/kv/k", "one", ("Idempotency-Key", "req-1")), Cancel);
        var firstBody = await first.Content.ReadAsStringAsync(Cancel);
        using var retry = await region.Admin(1).SendAsync(Put("/v1/ns/idem/kv/k", "one", ("Idempotency-Key", "req-1")), Cancel);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await Admin.RevisionAsync("idem"));

        // A refusal is an outcome too: a retry of a failed create-only write fails the same way.
        using var refused = await Admin.SendAsync(Put("/v1/ns/idem/kv/k", "two", ("If-None-Match", "*"), ("Idempotency-Key", "req-2")), Cancel);
        await refused.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        await Admin.DeleteAsync("/v1/ns/idem/kv/k", Cancel);
        using var replayedRefusal = await Admin.SendAsync(Put("/v1/ns/idem/kv/k", "two", ("If-None-Match", "*"), ("Idempotency-Key", "req-2")), Cancel);
        await replayedRefusal.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
    }

    [Fact]
    public async Task Every_page_of_a_listing_is_read_at_the_first_pages_revision()
    {
        await Admin.CreateNamespaceAsync("pages");
        for (var i = 0; i < 7; i++)
        {
            await Admin.PutTextAsync("pages", $"app/{i}", $"v{i}");
        }

        await Admin.PutTextAsync("pages", "other/x", "x");
        using var first = await Admin.GetAsync("/v1/ns/pages/kv?prefix=app/&limit=3", Cancel);
        var page = await first.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var revision = page.GetProperty("revision").GetInt64();
        var keys = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()).ToList();

        // Changes after the first page must not show in the later ones.
        await Admin.PutTextAsync("pages", "app/0a", "new");
        await Admin.DeleteAsync("/v1/ns/pages/kv/app/6", Cancel);
        var token = page.GetProperty("nextPageToken").GetString();
        var node = 1;
        while (token is not null)
        {
            using var next = await region.Admin(node++ % 3).GetAsync($"/v1/ns/pages/kv?prefix=app/&limit=3&pageToken={Uri.EscapeDataString(token)}", Cancel);
            page = await next.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            Assert.Equal(revision, page.GetProperty("revision").GetInt64());
            keys.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()));
            token = page.GetProperty("nextPageToken").GetString();
        }

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"app/{i}"), keys);
        using var bad = await Admin.GetAsync("/v1/ns/pages/kv?pageToken=garbage", Cancel);
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "InvalidRequest");
    }

    [Fact]
    public async Task A_transaction_takes_one_branch_at_one_revision()
    {
        await Admin.CreateNamespaceAsync("txn");
        var seed = await Admin.PutTextAsync("txn", "lock", "free");
        var body = new
        {
            compare = new object[]
            {
                new { key = "lock", target = "value", op = "=", value = Convert.ToBase64String("free"u8.ToArray()) },
                new { key = "lock", target = "modRevision", op = "=", value = seed.GetProperty("modRevision").GetInt64() },
                new { key = "owner", target = "exists", op = "=", value = false },
            },
            success = new object[] { new { put = new { key = "lock", value = Convert.ToBase64String("held"u8.ToArray()), contentType = "text/plain" } }, new { put = new { key = "owner", value = Convert.ToBase64String("me"u8.ToArray()) } } },
            failure = new object[] { new { delete = new { key = "nothing" } } },
        };
        using var won = await region.Admin(1).PostAsJsonAsync("/v1/ns/txn/txn", body, Cancel);
        var result = await won.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.True(result.GetProperty("succeeded").GetBoolean(), result.ToString());
        Assert.Equal(2, result.GetProperty("results").GetArrayLength());
        using var lost = await region.Admin(2).PostAsJsonAsync("/v1/ns/txn/txn", body, Cancel);
        var second = await lost.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.False(second.GetProperty("succeeded").GetBoolean());

        using var owner = await Admin.GetAsync("/v1/ns/txn/kv/owner?format=json", Cancel);
        var envelope = await owner.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(result.GetProperty("revision").GetInt64(), envelope.GetProperty("modRevision").GetInt64());
        Assert.Equal("me"u8.ToArray(), Convert.FromBase64String(envelope.GetProperty("value").GetString()!));
        using var history = await Admin.GetAsync("/v1/ns/txn/history/lock?limit=10", Cancel);
        var versions = (await history.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("items");
        Assert.Equal(2, versions.GetArrayLength());
        Assert.Equal(2, versions[0].GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Serializable_reads_say_their_revision_and_min_revision_waits_for_it()
    {
        await Admin.CreateNamespaceAsync("serial");
        var written = await Admin.PutTextAsync("serial", "k", "v");
        var revision = written.GetProperty("revision").GetInt64();
        for (var node = 0; node < 3; node++)
        {
            using var read = await region.Admin(node).GetAsync($"/v1/ns/serial/kv/k?consistency=serializable&minRevision={revision}&timeout=5s", Cancel);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.True(long.Parse(read.Headers.GetValues("X-Config-Revision").Single(), System.Globalization.CultureInfo.InvariantCulture) >= revision);
            Assert.Equal("test", read.Headers.GetValues("X-Config-Region").Single());
        }

        using var future = await Admin.GetAsync($"/v1/ns/serial/kv/k?consistency=serializable&minRevision={revision + 1000}&timeout=200ms", Cancel);
        await future.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "NotCaughtUp");
        Assert.True(future.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task Digests_of_every_node_agree_at_one_revision()
    {
        await Admin.CreateNamespaceAsync("digest");
        await Admin.PutTextAsync("digest", "a", "1");
        var written = await Admin.PutTextAsync("digest", "b", "2");
        var revision = written.GetProperty("revision").GetInt64();
        var digests = new List<string?>();
        for (var node = 0; node < 3; node++)
        {
            using var response = await region.Admin(node).GetAsync($"/v1/ns/digest/digest?revision={revision}", Cancel);
            digests.Add((await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("digest").GetString());
        }

        Assert.Single(digests.Distinct());
        using var earlier = await Admin.GetAsync($"/v1/ns/digest/digest?revision={revision - 1}", Cancel);
        Assert.NotEqual(digests[0], (await earlier.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("digest").GetString());
    }
}
