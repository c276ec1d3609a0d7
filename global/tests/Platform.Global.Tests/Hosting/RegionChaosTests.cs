using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Global.Tests.Hosting;

/// <summary>
/// The chaos routes with <c>?scope=region</c>: one call isolates every node of a region from
/// clients and peers, the other regions go on writing strong-global data without it, and one call
/// heals it, after which it catches up.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RegionChaosTests : IAsyncLifetime
{
    private static readonly string[] Regions = ["eu-west", "us-east", "ap-south"];
    private readonly LinkedRegions regions = new(Regions, TimeSpan.FromMilliseconds(10), nodesPerRegion: 2);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await regions.StartAsync(Cancel);

    public ValueTask DisposeAsync() => regions.DisposeAsync();

    private static async Task<bool> AnswersAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Cancel);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    [Fact]
    public async Task One_call_isolates_a_whole_region_and_one_call_heals_it()
    {
        using var eu = regions.Client("eu-west");
        await Eventually.StrongGlobalNamespaceAsync(eu, "chaos");

        using var us1 = regions.Client("us-east", 0);
        using var us2 = regions.Client("us-east", 1);
        using (var isolated = await us1.PostAsync(new Uri("/v1/chaos/isolate?scope=region", UriKind.Relative), null, Cancel))
        {
            var body = await isolated.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            Assert.Equal(HttpStatusCode.OK, isolated.StatusCode);
            Assert.True(body.GetProperty("self").GetProperty("isolated").GetBoolean());
            Assert.Equal("applied", body.GetProperty("regionNodes").GetProperty("node-2").GetString());
        }

        Assert.False(await AnswersAsync(us1));
        Assert.False(await AnswersAsync(us2));

        // Four of six voters remain: the others commit without us-east.
        await Eventually.HoldsAsync(async () =>
        {
            using var put = await eu.PutAsync(new Uri("/v1/ns/chaos/kv/k", UriKind.Relative), new StringContent("while-isolated"), Cancel);
            return put.IsSuccessStatusCode;
        }, 30, "a write without the isolated region");

        using (var healed = await us1.PostAsync(new Uri("/v1/chaos/heal?scope=region", UriKind.Relative), null, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, healed.StatusCode);
        }

        await Eventually.HoldsAsync(async () =>
        {
            if (!await AnswersAsync(us2))
            {
                return false;
            }

            using var read = await us2.GetAsync(new Uri("/v1/ns/chaos/kv/k?consistency=serializable", UriKind.Relative), Cancel);
            return read.IsSuccessStatusCode && await read.Content.ReadAsStringAsync(Cancel) == "while-isolated";
        }, 30, "us-east/node-2 healed and caught up");
    }
}
