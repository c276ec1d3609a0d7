using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Platform.Regional.Tests.Api;

/// <summary>Small helpers the API tests share: namespaces, writes, and reading problem answers.</summary>
internal static class ApiCalls
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task CreateNamespaceAsync(this HttpClient client, string ns, string homeRegion = "test")
    {
        using var response = await client.PutAsJsonAsync($"/v1/namespaces/{ns}", new { mode = "local-commit", homeRegion }, Cancel);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancel));
    }

    public static async Task<JsonElement> PutTextAsync(this HttpClient client, string ns, string key, string value)
    {
        using var response = await client.PutAsync($"/v1/ns/{ns}/kv/{key}", new StringContent(value, Encoding.UTF8, "text/plain"), Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
    }

    public static async Task<long> RevisionAsync(this HttpClient client, string ns)
    {
        using var response = await client.GetAsync($"/v1/namespaces/{ns}", Cancel);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("revision").GetInt64();
    }

    /// <summary>Asserts the answer is an RFC 9457 problem with this status and code, and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == status, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        return problem;
    }
}
