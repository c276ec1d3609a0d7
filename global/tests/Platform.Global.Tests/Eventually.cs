
namespace Platform.Global.Tests;

/// <summary>Waits for a condition of a cluster that settles in its own time, failing with what did not happen.</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, double seconds, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what} did not happen within {seconds} s");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Creates (or changes) a namespace with <paramref name="settings"/> through <paramref name="client"/>, retrying while the groups elect.</summary>
    public static Task NamespaceAsync(HttpClient client, string ns, object settings) => HoldsAsync(async () =>
    {
        using var created = await System.Net.Http.Json.HttpClientJsonExtensions.PutAsJsonAsync(client, $"/v1/namespaces/{ns}", settings, TestContext.Current.CancellationToken);
        return created.IsSuccessStatusCode;
    }, 60, $"creating namespace {ns}");

    /// <summary>Creates a strong-global namespace through <paramref name="client"/>, retrying while the groups elect.</summary>
    public static Task StrongGlobalNamespaceAsync(HttpClient client, string ns) => HoldsAsync(async () =>
    {
        using var created = await System.Net.Http.Json.HttpClientJsonExtensions.PutAsJsonAsync(client, $"/v1/namespaces/{ns}", new { mode = "strong-global" }, TestContext.Current.CancellationToken);
        return created.IsSuccessStatusCode;
    }, 60, $"creating strong-global namespace {ns}");

    /// <summary>
    /// Writes a key and returns the revision, asking again while the cluster answers 503 with a
    /// refusal that changed nothing (a group electing, a lease being renewed on a busy machine);
    /// any other answer, OutcomeUnknown included, ends the test.
    /// </summary>
    public static async Task<long> WrittenAsync(HttpClient client, string path, string value, double seconds = 30)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (true)
        {
            using var put = await client.PutAsync(new Uri(path, UriKind.Relative), new StringContent(value), TestContext.Current.CancellationToken);
            var body = await put.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if (put.IsSuccessStatusCode)
            {
                return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("revision").GetInt64();
            }

            var retry = put.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && !body.Contains("OutcomeUnknown", StringComparison.Ordinal);
            Assert.True(retry && DateTime.UtcNow < deadline, $"writing {path}: {(int)put.StatusCode} {body}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
