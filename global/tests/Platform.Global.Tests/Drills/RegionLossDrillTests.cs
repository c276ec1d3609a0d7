using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Platform.Global.Tests.Drills;

/// <summary>
/// A region-loss drill with replication deliberately lagging: the home eu-west is cut off from the
/// other regions, acknowledges writes the others never receive, and is then taken away by the
/// drill. The report counts exactly those writes as lost, the divergent-writes archive holds each
/// of them, the new home serves everything acknowledged before the cut, and the old home, once
/// back, forwards its writes to the new home.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RegionLossDrillTests : IAsyncLifetime
{
    private static readonly string[] Others = ["us-east", "ap-south"];

    private readonly LinkedRegions regions = new(LinkedRegionsFixture.Names, TimeSpan.FromMilliseconds(20));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await regions.StartAsync(Cancel);

    public ValueTask DisposeAsync() => regions.DisposeAsync();

    private static Uri Relative(string path) => new(path, UriKind.Relative);

    [Fact]
    public async Task A_region_loss_reports_exactly_the_acknowledged_writes_that_did_not_survive_and_archives_them()
    {
        using var euWest = regions.Client("eu-west");
        using var usEast = regions.Client("us-east");
        await Eventually.NamespaceAsync(euWest, "lossy", new { mode = "local-commit", homeRegion = "eu-west", rpo = "30s" });

        var kept = new Dictionary<string, long>();
        for (var i = 0; i < 10; i++)
        {
            kept[$"kept/{i}"] = await Eventually.WrittenAsync(euWest, $"/v1/ns/lossy/kv/kept/{i}", $"v{i}");
        }

        // Both other regions hold everything so far, in their own copies (a region without one yet
        // would forward the read to the home: the answer must come from the region itself).
        foreach (var region in Others)
        {
            using var client = regions.Client(region);
            await Eventually.HoldsAsync(async () =>
            {
                using var read = await client.GetAsync(Relative($"/v1/ns/lossy/kv/kept/9?minRevision={kept["kept/9"]}&timeout=5s"), Cancel);
                return read.StatusCode == HttpStatusCode.OK && read.Headers.Contains("X-Config-Lag-Ms") && read.Headers.GetValues("X-Config-Region").Single() == region;
            }, 30, $"{region}'s own copy holding the kept writes");
        }

        // Replication stops: eu-west is cut off from the other regions, and acknowledges writes
        // under its lease until it runs out. These are the writes the loss will cost.
        using (var cut = await euWest.PostAsJsonAsync("/v1/chaos/partition", new { regions = Others }, Cancel))
        {
            Assert.True(cut.IsSuccessStatusCode, await cut.Content.ReadAsStringAsync(Cancel));
        }

        var lost = new Dictionary<string, string>();
        for (var i = 0; i < 8; i++)
        {
            using var put = await euWest.PutAsync(Relative($"/v1/ns/lossy/kv/lost/{i}"), new StringContent($"gone{i}"), Cancel);
            if (!put.IsSuccessStatusCode)
            {
                break;
            }

            lost[$"lost/{i}"] = $"gone{i}";
        }

        Assert.NotEmpty(lost);

        // A watcher of eu-west's own copy sees the writes that will not survive.
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        watching.CancelAfter(TimeSpan.FromMinutes(2));
        using var watchRequest = new HttpRequestMessage(HttpMethod.Get, Relative($"/v1/ns/lossy/watch?since={kept["kept/9"]}"));
        watchRequest.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var watch = await euWest.SendAsync(watchRequest, HttpCompletionOption.ResponseHeadersRead, watching.Token);
        var streamed = Task.Run(async () =>
        {
            using var reader = new StreamReader(await watch.Content.ReadAsStreamAsync(watching.Token));
            var events = new List<string>();
            while (await reader.ReadLineAsync(watching.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    events.Add(line[7..]);
                }
            }

            return events;
        }, Cancel);

        var id = await DrillApi.StartAsync(usEast, new { kind = "region-loss", region = "eu-west" });
        var report = await DrillApi.FinishedAsync(usEast, id);
        Assert.Equal("done", report.GetProperty("state").GetString());
        var figures = DrillApi.Namespace(report, "lossy");
        var newHome = figures.GetProperty("newHome").GetString()!;
        Assert.Contains(newHome, Others);
        Assert.Equal((0L, 1L), (figures.GetProperty("oldEpoch").GetInt64(), figures.GetProperty("newEpoch").GetInt64()));
        Assert.Equal(lost.Count, figures.GetProperty("lostWrites").GetInt32());
        Assert.True(figures.GetProperty("rtoMs").GetDouble() > 0, figures.ToString());
        Assert.True(figures.GetProperty("rpoRealizedMs").GetDouble() > 0, figures.ToString());
        Assert.Equal("pass", report.GetProperty("verdict").GetString());

        // Every lost write is in the archive, which every region shows.
        using var apSouth = regions.Client("ap-south");
        var archive = JsonDocument.Parse(await apSouth.GetStringAsync(Relative("/v1/ns/lossy/divergent"), Cancel)).RootElement.GetProperty("items").EnumerateArray()
            .Where(w => w.GetProperty("acknowledged").GetBoolean())
            .ToDictionary(w => w.GetProperty("key").GetString()!, w => Encoding.UTF8.GetString(Convert.FromBase64String(w.GetProperty("value").GetString()!)));
        Assert.Equal(lost.OrderBy(l => l.Key), archive.OrderBy(a => a.Key));

        // The new home serves what was acknowledged before the cut, and not what was lost.
        using var home = regions.Client(newHome);
        foreach (var (key, revision) in kept)
        {
            using var read = await home.GetAsync(Relative($"/v1/ns/lossy/kv/{key}"), Cancel);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal($"\"{revision}\"", read.Headers.ETag?.Tag);
        }

        using (var gone = await home.GetAsync(Relative("/v1/ns/lossy/kv/lost/0"), Cancel))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        // The old home is back and no longer the home: its writes go to the new home, in epoch 1.
        var after = await Eventually.WrittenAsync(euWest, "/v1/ns/lossy/kv/after", "back");
        Assert.Equal(1, after >> 40);

        // Its watcher was past the fork: told to relist (compacted), never fed the new epoch on
        // top of writes that vanished without a delete.
        var events = await streamed;
        Assert.Equal(lost.Count, events.Count(e => e == "put"));
        Assert.Equal("compacted", events[^1]);

        using var page = await usEast.GetAsync(Relative($"/v1/drills/{id}?format=html"), Cancel);
        var html = await page.Content.ReadAsStringAsync(Cancel);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("lossy", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
    }
}
