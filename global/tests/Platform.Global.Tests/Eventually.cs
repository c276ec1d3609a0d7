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

    /// <summary>Creates a strong-global namespace through <paramref name="client"/>, retrying while the groups elect.</summary>
    public static Task StrongGlobalNamespaceAsync(HttpClient client, string ns) => HoldsAsync(async () =>
    {
        using var created = await System.Net.Http.Json.HttpClientJsonExtensions.PutAsJsonAsync(client, $"/v1/namespaces/{ns}", new { mode = "strong-global" }, TestContext.Current.CancellationToken);
        return created.IsSuccessStatusCode;
    }, 60, $"creating strong-global namespace {ns}");
}
