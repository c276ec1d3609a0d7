using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Global.Tests.Replication;

namespace Platform.Global.Tests.Moves;

/// <summary>
/// A home change through <c>PUT /v1/namespaces/{ns}</c> is a switchover: under a steady write load
/// (clients retrying refusals with their Idempotency-Key), every acknowledged write is at the new
/// home afterwards, and writes after the move are numbered in the next epoch.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SwitchoverTests : IAsyncLifetime
{
    private readonly LinkedRegions regions = new(LinkedRegionsFixture.Names, TimeSpan.FromMilliseconds(20));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await regions.StartAsync(Cancel);

    public ValueTask DisposeAsync() => regions.DisposeAsync();

    private static Uri Relative(string path) => new(path, UriKind.Relative);

    [Fact]
    public async Task A_home_change_under_a_steady_write_load_loses_no_acknowledged_write()
    {
        using (var home = regions.Client("eu-west"))
        {
            await Eventually.NamespaceAsync(home, "moving", new { mode = "local-commit", homeRegion = "eu-west" });
        }


        var acknowledged = new ConcurrentDictionary<string, (string Value, long Revision)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var writer = Task.Run(() => SteadyWriter.WriteAsync(regions.Client("ap-south"), "moving", acknowledged, stop.Token), CancellationToken.None);
        await Eventually.HoldsAsync(() => Task.FromResult(acknowledged.Count >= 20), 30, "writes acknowledged before the move");

        using (var eu = regions.Client("eu-west"))
        using (var moved = await eu.PutAsJsonAsync("/v1/namespaces/moving", new { mode = "local-commit", homeRegion = "ap-south" }, Cancel))
        {
            var body = await moved.Content.ReadAsStringAsync(Cancel);
            Assert.True(moved.IsSuccessStatusCode, $"{(int)moved.StatusCode}: {body}");
            var shown = JsonDocument.Parse(body).RootElement;
            Assert.Equal(("ap-south", 1L), (shown.GetProperty("homeRegion").GetString(), shown.GetProperty("epoch").GetInt64()));
        }

        await Eventually.HoldsAsync(() => Task.FromResult(acknowledged.Values.Count(a => a.Revision >> 40 == 1) >= 10), 30, "writes acknowledged in the new epoch");
        await stop.CancelAsync();
        await writer;
        Assert.Contains(acknowledged.Values, a => a.Revision >> 40 == 0);

        using var newHome = regions.Client("ap-south");
        foreach (var (key, (value, revision)) in acknowledged)
        {
            using var read = await newHome.GetAsync(Relative($"/v1/ns/moving/kv/{key}"), Cancel);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal(value, await read.Content.ReadAsStringAsync(Cancel));
            Assert.Equal($"\"{revision}\"", read.Headers.ETag?.Tag);
        }

        // The old home is a copy now: its writes are forwarded to the new home, and it follows it.
        using var oldHome = regions.Client("eu-west");
        using var written = await oldHome.PutAsync(Relative("/v1/ns/moving/kv/after"), new StringContent("moved"), Cancel);
        var answer = JsonDocument.Parse(await written.Content.ReadAsStringAsync(Cancel)).RootElement;
        Assert.Equal("ap-south", answer.GetProperty("region").GetString());
        var last = answer.GetProperty("revision").GetInt64();
        using var followed = await oldHome.GetAsync(Relative($"/v1/ns/moving/kv/after?minRevision={last}&timeout=10s"), Cancel);
        Assert.Equal("moved", await followed.Content.ReadAsStringAsync(Cancel));
    }
}
