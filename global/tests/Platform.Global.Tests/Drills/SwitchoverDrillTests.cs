using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Global.Tests.Drills;

/// <summary>
/// A planned switchover drill loses no write its probe had accepted and reports the write pause;
/// failback is a switchover back. A drill that would leave the strong-global groups without a
/// majority is refused with the reason, and so is one with nothing to move.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SwitchoverDrillTests : IAsyncLifetime
{
    private readonly LinkedRegions regions = new(LinkedRegionsFixture.Names, TimeSpan.FromMilliseconds(20));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await regions.StartAsync(Cancel);

    public ValueTask DisposeAsync() => regions.DisposeAsync();

    [Fact]
    public async Task A_switchover_drill_and_its_failback_lose_nothing_and_report_the_pause()
    {
        using var apSouth = regions.Client("ap-south");
        await Eventually.NamespaceAsync(apSouth, "drilled", new { mode = "local-commit", homeRegion = "eu-west" });
        var before = await Eventually.WrittenAsync(apSouth, "/v1/ns/drilled/kv/before", "1");

        // Sent to ap-south: forwarded to eu-west, where the switchover runs.
        var id = await DrillApi.StartAsync(apSouth, new { kind = "switchover", region = "eu-west", target = "us-east" });
        var report = await DrillApi.FinishedAsync(apSouth, id);
        Assert.True((report.GetProperty("state").GetString(), report.GetProperty("verdict").GetString()) == ("done", "pass"), report.ToString());
        Assert.Equal("eu-west/node-1", report.GetProperty("runBy").GetString());
        var figures = DrillApi.Namespace(report, "drilled");
        Assert.Equal(("eu-west", "us-east", 0L, 1L), (figures.GetProperty("oldHome").GetString(), figures.GetProperty("newHome").GetString(),
            figures.GetProperty("oldEpoch").GetInt64(), figures.GetProperty("newEpoch").GetInt64()));
        Assert.Equal(0, figures.GetProperty("lostWrites").GetInt32());
        Assert.True(figures.GetProperty("probeWrites").GetInt32() > 0, figures.ToString());
        Assert.True(figures.GetProperty("pausedMs").GetDouble() > 0, figures.ToString());
        Assert.Contains(report.GetProperty("phases").EnumerateArray(), p => p.GetProperty("name").GetString() == "switchover drilled" && p.GetProperty("durationMs").GetDouble() > 0);

        // Failback: a switchover back to the original home.
        var back = await DrillApi.FinishedAsync(apSouth, await DrillApi.StartAsync(apSouth, new { kind = "switchover", region = "us-east", target = "eu-west" }));
        Assert.True(back.GetProperty("verdict").GetString() == "pass", back.ToString());
        using var shown = await apSouth.GetAsync(new Uri("/v1/namespaces/drilled", UriKind.Relative), Cancel);
        var entry = JsonDocument.Parse(await shown.Content.ReadAsStringAsync(Cancel)).RootElement;
        Assert.Equal(("eu-west", 2L), (entry.GetProperty("homeRegion").GetString(), entry.GetProperty("epoch").GetInt64()));
        using var read = await apSouth.GetAsync(new Uri("/v1/ns/drilled/kv/before", UriKind.Relative), Cancel);
        Assert.Equal($"\"{before}\"", read.Headers.ETag?.Tag);

        // Both reports are listed in every region, newest first.
        using var euWest = regions.Client("eu-west");
        var listed = JsonDocument.Parse(await euWest.GetStringAsync(new Uri("/v1/drills", UriKind.Relative), Cancel)).RootElement.EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal([back.GetProperty("id").GetString(), id], listed.Take(2));
    }

    [Fact]
    public async Task A_drill_that_would_break_the_strong_global_majority_or_has_nothing_to_move_is_refused_with_the_reason()
    {
        using var euWest = regions.Client("eu-west");
        await Eventually.NamespaceAsync(euWest, "stuck", new { mode = "local-commit", homeRegion = "eu-west" });

        await AssertRefusedAsync(euWest, new { kind = "switchover", region = "ap-south", target = "eu-west" }, "nothing to move");
        await AssertRefusedAsync(euWest, new { kind = "failover", region = "eu-west" }, "kind is switchover or region-loss");
        await AssertRefusedAsync(euWest, new { kind = "switchover", region = "eu-west", target = "mars" }, "target region");

        // ap-south is gone already: losing eu-west as well would leave one region of three.
        using (var isolated = await regions.Client("ap-south").PostAsync(new Uri("/v1/chaos/isolate", UriKind.Relative), null, Cancel))
        {
            Assert.True(isolated.IsSuccessStatusCode);
        }

        using var usEast = regions.Client("us-east");
        await Eventually.HoldsAsync(async () =>
        {
            using var status = await usEast.GetAsync(new Uri("/v1/status", UriKind.Relative), Cancel);
            var shown = JsonDocument.Parse(await status.Content.ReadAsStringAsync(Cancel)).RootElement;
            return shown.GetProperty("regions").EnumerateArray().Any(r => r.GetProperty("name").GetString() == "ap-south" && !r.GetProperty("reachable").GetBoolean());
        }, 30, "us-east seeing ap-south unreachable");
        await AssertRefusedAsync(usEast, new { kind = "region-loss", region = "eu-west" }, "would leave the strong-global groups");
    }

    private static async Task AssertRefusedAsync(HttpClient client, object request, string why)
    {
        using var refused = await client.PostAsJsonAsync("/v1/drills", request, Cancel);
        var body = await refused.Content.ReadAsStringAsync(Cancel);
        Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{(int)refused.StatusCode}: {body}");
        Assert.Contains(why, body, StringComparison.Ordinal);
        Assert.Equal("InvalidRequest", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }
}
