using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Platform.Regional.Tests.Api;

[Trait("Category", "Integration")]
public sealed class KvApiTests(ApiRegion region) : IClassFixture<ApiRegion>
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
