using Microsoft.Extensions.Time.Testing;

namespace Platform.Client.Tests;

/// <summary>What a client with retries does with refusals, dead endpoints and its own writes.</summary>
public sealed class PlatformClientRetryTests
{
    private const string Envelope = """{"key":"k","value":"dg==","contentType":"text/plain","createRevision":3,"modRevision":3,"version":1,"revision":5}""";
    private const string Written = """{"namespace":"p","key":"k","revision":6,"createRevision":6,"modRevision":6,"version":1,"region":"eu-west","epoch":0}""";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_read_refused_503_waits_out_retry_after_on_the_clients_clock_then_succeeds()
    {
        await using var server = await ScriptedServer.StartAsync(ScriptedServer.Problem(503, "NoLeader", retryAfterSeconds: 2), ScriptedServer.Json(Envelope, revision: 5));
        var clock = new FakeTimeProvider();
        using var client = new PlatformClient(new PlatformClientOptions { Endpoints = [server.Endpoint], Token = "t", TimeProvider = clock, EndpointCooldown = TimeSpan.Zero });

        var read = client.GetAsync("p", "k", cancellationToken: Cancel);
        await Until(() => server.Served == 1);
        await Task.Delay(200, Cancel);
        Assert.False(read.IsCompleted);

        clock.Advance(TimeSpan.FromMilliseconds(1900));
        await Task.Delay(200, Cancel);
        Assert.Equal(1, server.Served);

        clock.Advance(TimeSpan.FromMilliseconds(200));
        var answer = await read.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
        Assert.Equal("k", answer.Value.Key);
        Assert.Equal(2, server.Served);
    }

    [Fact]
    public async Task A_write_gets_an_idempotency_key_and_its_retry_sends_the_same_one()
    {
        await using var server = await ScriptedServer.StartAsync(ScriptedServer.Problem(503, "OutcomeUnknown"), ScriptedServer.Json(Written));
        using var client = new PlatformClient(new PlatformClientOptions { Endpoints = [server.Endpoint], Token = "t", BaseDelay = TimeSpan.FromMilliseconds(1) });

        var written = await client.PutAsync("p", "k", "v"u8.ToArray(), "text/plain", cancellationToken: Cancel);

        Assert.Equal(6, written.Revision);
        var keys = server.Received.Select(r => r.IdempotencyKey).ToList();
        Assert.Equal(2, keys.Count);
        Assert.False(string.IsNullOrEmpty(keys[0]));
        Assert.Equal(keys[0], keys[1]);
    }

    [Fact]
    public async Task A_request_that_is_neither_a_read_nor_idempotent_is_not_retried_after_an_answer()
    {
        await using var server = await ScriptedServer.StartAsync(ScriptedServer.Problem(503, "NoLeader"), ScriptedServer.Json("""{"id":"d1"}"""));
        using var client = new PlatformClient(new PlatformClientOptions { Endpoints = [server.Endpoint], Token = "t", BaseDelay = TimeSpan.FromMilliseconds(1) });

        var refused = await Assert.ThrowsAsync<PlatformProblemException>(() => client.StartDrillAsync(new Platform.Client.Models.DrillRequest("switchover", "eu-west", "us-east", null), Cancel));

        Assert.Equal(503, refused.Status);
        Assert.Equal(1, server.Served);
    }

    [Fact]
    public async Task A_dead_endpoint_sends_the_call_to_the_next_one()
    {
        var dead = new Uri($"http://127.0.0.1:{Cli.Up.UpRunner.FreePort()}");
        await using var alive = await ScriptedServer.StartAsync(ScriptedServer.Json(Envelope, revision: 5));
        using var client = new PlatformClient(new PlatformClientOptions { Endpoints = [dead, alive.Endpoint], Token = "t", BaseDelay = TimeSpan.FromMilliseconds(1) });

        var answer = await client.GetAsync("p", "k", cancellationToken: Cancel);

        Assert.Equal("k", answer.Value.Key);
        Assert.Equal(alive.Endpoint, client.Endpoint);
    }

    [Fact]
    public async Task Reads_present_the_highest_revision_seen_and_forget_it_when_it_diverged()
    {
        await using var server = await ScriptedServer.StartAsync(
            ScriptedServer.Json(Written),
            ScriptedServer.Json(Envelope, revision: 6),
            ScriptedServer.Problem(410, "Diverged"),
            ScriptedServer.Json(Envelope, revision: (1L << 40) + 2));
        using var client = new PlatformClient(new PlatformClientOptions { Endpoints = [server.Endpoint], Token = "t" });

        await client.PutAsync("p", "k", "v"u8.ToArray(), cancellationToken: Cancel);
        await client.GetAsync("p", "k", cancellationToken: Cancel);
        await client.GetAsync("p", "k", cancellationToken: Cancel);

        var paths = server.Received.Select(r => r.PathAndQuery).ToList();
        Assert.Contains("minRevision=6", paths[1], StringComparison.Ordinal);
        Assert.Contains("minRevision=6", paths[2], StringComparison.Ordinal);
        Assert.DoesNotContain("minRevision", paths[3], StringComparison.Ordinal);
        Assert.Equal((1L << 40) + 2, client.LastSeenRevision("p"));
    }

    [Fact]
    public async Task A_plain_client_tries_once()
    {
        await using var server = await ScriptedServer.StartAsync(ScriptedServer.Problem(503, "NoLeader", retryAfterSeconds: 1));
        using var client = new PlatformClient(server.Endpoint, "t");

        var refused = await Assert.ThrowsAsync<PlatformProblemException>(() => client.GetAsync("p", "k", cancellationToken: Cancel));

        Assert.Equal((503, 1), (refused.Status, server.Served));
        Assert.DoesNotContain("minRevision", server.Received.Single().PathAndQuery, StringComparison.Ordinal);
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "not so within 10 s");
            await Task.Delay(20, Cancel);
        }
    }
}
