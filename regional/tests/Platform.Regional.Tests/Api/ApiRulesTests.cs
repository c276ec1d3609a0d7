using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Platform.Regional.Tests.Api;

/// <summary>Bad input gets its exact problem code, and changes nothing (docs/api.md, Errors).</summary>
[Trait("Category", "Integration")]
[Collection(SharedApiRegion.Name)]
public sealed class ApiRulesTests(ApiRegion region)
{
    private const string Ns = "rules";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private HttpClient Admin => region.Admin();

    private async Task<long> PreparedRevisionAsync()
    {
        await Admin.CreateNamespaceAsync(Ns);
        await Admin.PutTextAsync(Ns, "existing", "1");
        return await Admin.RevisionAsync(Ns);
    }

    [Theory]
    [InlineData("Bad")]
    [InlineData("-leading")]
    [InlineData("under_score")]
    [InlineData("waaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaay-too-long")]
    public async Task An_invalid_namespace_name_is_refused(string ns)
    {
        using var put = await Admin.PutAsync($"/v1/ns/{ns}/kv/a", new StringContent("v"), Cancel);
        await put.AssertProblemAsync(HttpStatusCode.BadRequest, "InvalidNamespace");
        using var create = await Admin.PutAsJsonAsync($"/v1/namespaces/{ns}", new { mode = "local-commit", homeRegion = "test" }, Cancel);
        await create.AssertProblemAsync(HttpStatusCode.BadRequest, "InvalidNamespace");
    }

    [Fact]
    public async Task Invalid_keys_are_refused_and_change_nothing()
    {
        var before = await PreparedRevisionAsync();
        var tooLong = new string('k', 1025);
        using var longKey = await Admin.PutAsync($"/v1/ns/{Ns}/kv/{tooLong}", new StringContent("v"), Cancel);
        await longKey.AssertProblemAsync(HttpStatusCode.BadRequest, "InvalidKey");
        using var control = await Admin.PutAsync($"/v1/ns/{Ns}/kv/a%01b", new StringContent("v"), Cancel);
        await control.AssertProblemAsync(HttpStatusCode.BadRequest, "InvalidKey");

        Assert.Equal(before, await Admin.RevisionAsync(Ns));
    }

    [Fact]
    public async Task An_oversized_value_is_refused_without_being_read()
    {
        var before = await PreparedRevisionAsync();
        var value = new byte[(1 << 20) + 1];
        using var response = await Admin.PutAsync($"/v1/ns/{Ns}/kv/big", new ByteArrayContent(value), Cancel);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "ValueTooLarge");

        // A declared length over the limit is answered from the headers alone: the body never arrives.
        using var raw = new System.Net.Sockets.TcpClient();
        await raw.ConnectAsync(region.Endpoints[0].Host, region.Endpoints[0].Port, Cancel);
        var stream = raw.GetStream();
        var head = $"PUT /v1/ns/{Ns}/kv/big HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {region.AdminToken}\r\nContent-Length: 50000000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Cancel);
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer, Cancel);
        var answer = Encoding.ASCII.GetString(buffer, 0, read);
        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Contains("ValueTooLarge", answer, StringComparison.Ordinal);

        Assert.Equal(before, await Admin.RevisionAsync(Ns));
    }

    [Fact]
    public async Task Malformed_json_and_the_wrong_content_type_are_refused()
    {
        var before = await PreparedRevisionAsync();
        using var malformed = await Admin.PostAsync($"/v1/ns/{Ns}/txn", new StringContent("{\"success\": [", Encoding.UTF8, "application/json"), Cancel);
        await malformed.AssertProblemAsync(HttpStatusCode.BadRequest, "InvalidRequest");
        using var wrongType = await Admin.PostAsync($"/v1/ns/{Ns}/txn", new StringContent("{\"success\":[]}", Encoding.UTF8, "text/plain"), Cancel);
        await wrongType.AssertProblemAsync(HttpStatusCode.BadRequest, "InvalidRequest");
        using var badOperation = await Admin.PostAsync($"/v1/ns/{Ns}/txn", JsonContent.Create(new { success = new[] { new { put = new { key = "a", value = "not base64!" } } } }), Cancel);
        await badOperation.AssertProblemAsync(HttpStatusCode.BadRequest, "InvalidRequest");
        using var badMode = await Admin.PutAsJsonAsync($"/v1/namespaces/{Ns}-x", new { mode = "eventually" }, Cancel);
        await badMode.AssertProblemAsync(HttpStatusCode.BadRequest, "InvalidRequest");
        using var badHeader = await Admin.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/v1/ns/{Ns}/kv/existing") { Content = new StringContent("x"), Headers = { { "If-Match", "\"abc\"" } } }, Cancel);
        await badHeader.AssertProblemAsync(HttpStatusCode.BadRequest, "InvalidRequest");

        Assert.Equal(before, await Admin.RevisionAsync(Ns));
        using var missing = await Admin.GetAsync($"/v1/namespaces/{Ns}-x", Cancel);
        await missing.AssertProblemAsync(HttpStatusCode.NotFound, "NamespaceNotFound");
    }

    [Fact]
    public async Task Too_many_transaction_operations_are_refused()
    {
        var before = await PreparedRevisionAsync();
        var operations = Enumerable.Range(0, 129).Select(i => new { put = new { key = $"k{i}", value = "eA==" } }).ToArray();
        using var response = await Admin.PostAsync($"/v1/ns/{Ns}/txn", JsonContent.Create(new { success = operations }), Cancel);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "RequestTooLarge");
        Assert.Equal(before, await Admin.RevisionAsync(Ns));
    }

    [Fact]
    public async Task Missing_and_wrong_tokens_are_unauthorized()
    {
        var before = await PreparedRevisionAsync();
        using var anonymous = ApiRegion.Client(region.Endpoints[1], token: null);
        using var missing = await anonymous.PutAsync($"/v1/ns/{Ns}/kv/existing", new StringContent("x"), Cancel);
        await missing.AssertProblemAsync(HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = ApiRegion.Client(region.Endpoints[1], "pt_not-a-token");
        using var refused = await wrong.GetAsync($"/v1/ns/{Ns}/kv/existing", Cancel);
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized, "Unauthorized");
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/v1/status");
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", "YWRtaW46YWRtaW4=");
        using var basicAnswer = await anonymous.SendAsync(basic, Cancel);
        await basicAnswer.AssertProblemAsync(HttpStatusCode.Unauthorized, "Unauthorized");

        // Health, readiness and metrics need no token.
        using var health = await anonymous.GetAsync("/healthz", Cancel);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(before, await Admin.RevisionAsync(Ns));
    }

    [Fact]
    public async Task A_reader_cannot_write_and_a_token_sees_only_its_namespaces()
    {
        var before = await PreparedRevisionAsync();
        using var created = await Admin.PostAsJsonAsync("/v1/tokens", new { name = "rules-reader", grants = new[] { new { @namespace = "rul*", role = "reader" } } }, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Cancel)).GetProperty("token").GetString();
        using var reader = ApiRegion.Client(region.Endpoints[2], token);

        using var read = await reader.GetAsync($"/v1/ns/{Ns}/kv/existing", Cancel);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var write = await reader.PutAsync($"/v1/ns/{Ns}/kv/existing", new StringContent("x"), Cancel);
        await write.AssertProblemAsync(HttpStatusCode.Forbidden, "Forbidden");
        using var delete = await reader.DeleteAsync($"/v1/ns/{Ns}/kv/existing", Cancel);
        await delete.AssertProblemAsync(HttpStatusCode.Forbidden, "Forbidden");
        using var compact = await reader.PostAsJsonAsync($"/v1/ns/{Ns}/compact", new { revision = 1 }, Cancel);
        await compact.AssertProblemAsync(HttpStatusCode.Forbidden, "Forbidden");
        using var elsewhere = await reader.GetAsync("/v1/ns/other/kv/existing", Cancel);
        await elsewhere.AssertProblemAsync(HttpStatusCode.Forbidden, "Forbidden");
        using var mint = await reader.PostAsJsonAsync("/v1/tokens", new { name = "escalate", grants = new[] { new { @namespace = "*", role = "admin" } } }, Cancel);
        await mint.AssertProblemAsync(HttpStatusCode.Forbidden, "Forbidden");
        Assert.Equal(before, await Admin.RevisionAsync(Ns));

        // Revoked, the token stops working on every node.
        using var revoke = await Admin.DeleteAsync("/v1/tokens/rules-reader", Cancel);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        await Eventually.HoldsAsync(async () =>
        {
            using var after = await reader.GetAsync($"/v1/ns/{Ns}/kv/existing", Cancel);
            return after.StatusCode == HttpStatusCode.Unauthorized;
        });
    }

    [Fact]
    public async Task A_watch_from_a_compacted_revision_is_gone()
    {
        await Admin.CreateNamespaceAsync("rules-compact");
        for (var i = 0; i < 5; i++)
        {
            await Admin.PutTextAsync("rules-compact", "k", $"v{i}");
        }

        var revision = await Admin.RevisionAsync("rules-compact");
        using var compact = await Admin.PostAsJsonAsync("/v1/ns/rules-compact/compact", new { revision }, Cancel);
        Assert.Equal(HttpStatusCode.OK, compact.StatusCode);

        using var watch = new HttpRequestMessage(HttpMethod.Get, "/v1/ns/rules-compact/watch?since=1");
        watch.Headers.Accept.ParseAdd("text/event-stream");
        using var answer = await region.Admin(1).SendAsync(watch, HttpCompletionOption.ResponseHeadersRead, Cancel);
        var problem = await answer.AssertProblemAsync(HttpStatusCode.Gone, "Compacted");
        Assert.Equal(revision, problem.GetProperty("compactRevision").GetInt64());
        using var old = await Admin.GetAsync("/v1/ns/rules-compact/kv/k?revision=1", Cancel);
        await old.AssertProblemAsync(HttpStatusCode.Gone, "Compacted");
        Assert.Equal(revision, await Admin.RevisionAsync("rules-compact"));
    }

    [Fact]
    public async Task Unknown_routes_keys_and_namespaces_are_not_found()
    {
        await PreparedRevisionAsync();
        using var route = await Admin.GetAsync("/v1/nothing-here", Cancel);
        await route.AssertProblemAsync(HttpStatusCode.NotFound, "NotFound");
        using var key = await Admin.GetAsync($"/v1/ns/{Ns}/kv/absent", Cancel);
        await key.AssertProblemAsync(HttpStatusCode.NotFound, "KeyNotFound");
        Assert.True(key.Headers.Contains("X-Config-Revision"));
        using var ns = await Admin.PutAsync("/v1/ns/absent-ns/kv/a", new StringContent("v"), Cancel);
        await ns.AssertProblemAsync(HttpStatusCode.NotFound, "NamespaceNotFound");
    }

    [Fact]
    public async Task Chaos_routes_do_not_exist_without_chaos()
    {
        using var heal = await Admin.PostAsync(new Uri("/v1/chaos/isolate", UriKind.Relative), null, Cancel);
        await heal.AssertProblemAsync(HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task A_namespace_homed_in_a_region_the_deployment_lacks_is_refused_and_nothing_is_made()
    {
        using var create = await Admin.PutAsJsonAsync("/v1/namespaces/rules-away", new { mode = "local-commit", homeRegion = "us-east" }, Cancel);
        await create.AssertProblemAsync(HttpStatusCode.BadRequest, "InvalidRequest");
        using var read = await Admin.GetAsync("/v1/namespaces/rules-away", Cancel);
        await read.AssertProblemAsync(HttpStatusCode.NotFound, "NamespaceNotFound");
        using var write = await Admin.PutAsync("/v1/ns/rules-away/kv/a", new StringContent("v"), Cancel);
        await write.AssertProblemAsync(HttpStatusCode.NotFound, "NamespaceNotFound");
    }
}
