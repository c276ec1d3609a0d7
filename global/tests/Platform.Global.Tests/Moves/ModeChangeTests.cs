using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Global.Tests.Replication;
using Platform.Regional.Namespaces;
using Platform.Regional.Routing;

namespace Platform.Global.Tests.Moves;

/// <summary>
/// A mode change through <c>PUT /v1/namespaces/{ns}</c>, under a steady write load: local-commit in
/// eu-west to strong-global, then back to local-commit homed in ap-south. Every acknowledged write
/// is there afterwards with its revision, each leg is a new epoch, and the other regions follow.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ModeChangeTests : IAsyncLifetime
{
    private readonly LinkedRegions regions = new(LinkedRegionsFixture.Names, TimeSpan.FromMilliseconds(20));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await regions.StartAsync(Cancel);

    public ValueTask DisposeAsync() => regions.DisposeAsync();

    private static Uri Relative(string path) => new(path, UriKind.Relative);

    [Fact]
    public async Task Local_commit_to_strong_global_and_back_under_a_steady_write_load_loses_no_acknowledged_write()
    {
        using (var home = regions.Client("eu-west"))
        {
            await Eventually.NamespaceAsync(home, "changing", new { mode = "local-commit", homeRegion = "eu-west" });
        }


        var acknowledged = new ConcurrentDictionary<string, (string Value, long Revision)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var writer = Task.Run(() => SteadyWriter.WriteAsync(regions.Client("us-east"), "changing", acknowledged, stop.Token), CancellationToken.None);
        await Eventually.HoldsAsync(() => Task.FromResult(acknowledged.Count >= 20), 30, "writes acknowledged before the change");

        // Sent to us-east: forwarded to the home, where the change runs.
        await ChangeAsync("us-east", new { mode = "strong-global" }, "strong-global", null, 1);
        await Eventually.HoldsAsync(() => Task.FromResult(acknowledged.Values.Count(a => a.Revision >> 40 == 1) >= 10), 30, "writes acknowledged in the strong-global epoch");

        // Sent to eu-west: forwarded to ap-south, the new home, where the change back runs.
        await ChangeAsync("eu-west", new { mode = "local-commit", homeRegion = "ap-south", rpo = "3s" }, "local-commit", "ap-south", 2);
        await Eventually.HoldsAsync(() => Task.FromResult(acknowledged.Values.Count(a => a.Revision >> 40 == 2) >= 10), 30, "writes acknowledged in the local-commit epoch");
        await stop.CancelAsync();
        await writer;
        Assert.Contains(acknowledged.Values, a => a.Revision >> 40 == 0);

        using var newHome = regions.Client("ap-south");
        foreach (var (key, (value, revision)) in acknowledged)
        {
            using var read = await newHome.GetAsync(Relative($"/v1/ns/changing/kv/{key}"), Cancel);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal(value, await read.Content.ReadAsStringAsync(Cancel));
            Assert.Equal($"\"{revision}\"", read.Headers.ETag?.Tag);
        }

        // The regions that are not the home follow it again through their copies.
        var last = acknowledged.Values.Max(a => a.Revision);
        foreach (var region in new[] { "eu-west", "us-east" })
        {
            using var client = regions.Client(region);
            await Eventually.HoldsAsync(async () => await CountFromCopyAsync(client, last) == acknowledged.Count, 30, $"{region}'s copy holding every acknowledged write");
        }

        // What the namespace left behind is gone: the strong-global group's data of epoch 1 everywhere,
        // and eu-west's data of epoch 0 (it holds a copy of ap-south's now).
        foreach (var region in regions.Regions)
        {
            var router = regions.Services(region).GetRequiredService<GroupRouter>();
            var strong = router.Global!.Local(router.Global.StrongGlobalGroup)!;
            await Eventually.HoldsAsync(() => Task.FromResult(strong.Read(m => m.State("changing")) is null), 30, $"{region}'s strong-global replica dropping the data of the strong-global epoch");
        }

        var euWest = regions.Services("eu-west").GetRequiredService<GroupRouter>();
        var held = euWest.Local(NamespacePlacement.GroupOf("changing", euWest.Node.Groups)).Read(m => m.State("changing") is { } state ? (state.IsCopy, state.Store.Epoch) : default);
        Assert.Equal((true, 2L), held);
    }

    /// <summary>The keys a region's copy lists once it has applied <paramref name="revision"/> (every page), or -1 while it cannot answer from its copy.</summary>
    private static async Task<int> CountFromCopyAsync(HttpClient client, long revision)
    {
        var count = 0;
        var page = $"/v1/ns/changing/kv?prefix=k&limit=1000&minRevision={revision}&timeout=5s";
        while (true)
        {
            using var read = await client.GetAsync(Relative(page), Cancel);
            if (read.StatusCode != HttpStatusCode.OK || !read.Headers.Contains("X-Config-Lag-Ms"))
            {
                return -1;
            }

            var body = JsonDocument.Parse(await read.Content.ReadAsStringAsync(Cancel)).RootElement;
            count += body.GetProperty("items").GetArrayLength();
            if (!body.TryGetProperty("nextPageToken", out var token) || token.ValueKind != JsonValueKind.String)
            {
                return count;
            }

            page = $"/v1/ns/changing/kv?prefix=k&limit=1000&pageToken={Uri.EscapeDataString(token.GetString()!)}";
        }
    }

    private async Task ChangeAsync(string via, object body, string mode, string? home, long epoch)
    {
        using var client = regions.Client(via);
        using var changed = await client.PutAsJsonAsync("/v1/namespaces/changing", body, Cancel);
        var text = await changed.Content.ReadAsStringAsync(Cancel);
        Assert.True(changed.IsSuccessStatusCode, $"{(int)changed.StatusCode}: {text}");
        var shown = JsonDocument.Parse(text).RootElement;
        Assert.Equal((mode, home, epoch), (shown.GetProperty("mode").GetString(), shown.TryGetProperty("homeRegion", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null, shown.GetProperty("epoch").GetInt64()));
    }
}
