using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Global.Tests;

/// <summary>
/// Three linked one-node regions (20 ms WAN round trip) shared by the tests of one class, started
/// once, with a wait until every region's node sees leaders of both strong-global groups.
/// </summary>
public sealed class LinkedRegionsFixture : IAsyncLifetime
{
    public static readonly string[] Names = ["eu-west", "us-east", "ap-south"];

    private readonly LinkedRegions regions = new(Names, TimeSpan.FromMilliseconds(20));

    public HttpClient Client(string region) => regions.Client(region);

    /// <summary>Applies a chaos action (<c>partition</c>, <c>isolate</c>, <c>heal</c>...) through a region's node.</summary>
    public async Task ChaosAsync(string region, string action, object? body = null)
    {
        using var client = Client(region);
        using var response = body is null
            ? await client.PostAsync(new Uri($"/v1/chaos/{action}", UriKind.Relative), null, TestContext.Current.CancellationToken)
            : await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(client, $"/v1/chaos/{action}", body, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>A region's node's services (to reach its groups the way its own code does).</summary>
    public IServiceProvider Services(string region) => regions.Services(region);

    /// <summary>A client of <paramref name="region"/>'s node with another bearer token.</summary>
    public HttpClient ClientWith(string region, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{regions.HttpPort(region)}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask InitializeAsync()
    {
        var cancel = TestContext.Current.CancellationToken;
        await regions.StartAsync(cancel);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var region in Names)
        {
            using var client = Client(region);
            while (!await LeadersKnownAsync(client, cancel))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{region} saw no leader of the strong-global groups within 60 s");
                }

                await Task.Delay(100, cancel);
            }
        }
    }

    private static async Task<bool> LeadersKnownAsync(HttpClient client, CancellationToken cancel)
    {
        try
        {
            using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), cancel);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            var groups = (await response.Content.ReadFromJsonAsync<JsonElement>(cancel)).GetProperty("groups").EnumerateArray().ToList();
            return groups.Count > 1 && groups.All(g => g.GetProperty("leader").ValueKind == JsonValueKind.String);
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => regions.DisposeAsync();
}
