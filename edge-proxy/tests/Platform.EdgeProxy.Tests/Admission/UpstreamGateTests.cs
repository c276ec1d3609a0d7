using Platform.EdgeProxy.Admission;
using Platform.EdgeProxy.Hosting;
using Platform.EdgeProxy.Pipeline;

namespace Platform.EdgeProxy.Tests.Admission;

public sealed class UpstreamGateTests
{
    private static EdgeOptions Options(int concurrency, int queue, int rate = 0, int burst = 0) => new()
    {
        Region = "eu-west",
        RegionNodes = [new Uri("http://127.0.0.1:1")],
        Token = "t",
        UpstreamConcurrency = concurrency,
        UpstreamQueue = queue,
        TokenRate = rate,
        TokenBurst = burst,
    };

    [Fact]
    public async Task Beyond_the_slots_and_the_queue_a_request_is_refused_at_once_with_429()
    {
        using var gate = new UpstreamGate(Options(concurrency: 2, queue: 1));
        var cancel = TestContext.Current.CancellationToken;
        using var first = await gate.EnterAsync("a", cancel);
        using var second = await gate.EnterAsync("a", cancel);
        var waiting = gate.EnterAsync("a", cancel).AsTask();

        var refused = await Assert.ThrowsAsync<EdgeProblem>(async () => await gate.EnterAsync("a", cancel));

        Assert.Equal((429, "Overloaded", true), (refused.Status, refused.Code, refused.Retry));
        Assert.False(waiting.IsCompleted);
        first.Dispose();
        (await waiting).Dispose();
    }

    [Fact]
    public async Task A_token_over_its_rate_is_refused_while_another_token_passes()
    {
        using var gate = new UpstreamGate(Options(concurrency: 100, queue: 100, rate: 10, burst: 3));
        var cancel = TestContext.Current.CancellationToken;
        for (var i = 0; i < 3; i++)
        {
            (await gate.EnterAsync("busy", cancel)).Dispose();
        }

        var refused = await Assert.ThrowsAsync<EdgeProblem>(async () => await gate.EnterAsync("busy", cancel));
        Assert.Equal(429, refused.Status);
        (await gate.EnterAsync("quiet", cancel)).Dispose();
    }

    [Fact]
    public void A_jittered_retry_after_is_whole_seconds_from_one_to_three()
    {
        var seen = Enumerable.Range(0, 200).Select(_ => int.Parse(EdgeProblem.JitteredRetryAfter(), System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        Assert.Subset(new HashSet<int> { 1, 2, 3 }, seen);
        Assert.True(seen.Count > 1);
    }
}
