using Platform.LoadTests.Load;

namespace Platform.LoadTests.Tests;

/// <summary>The load generator against in-process operations whose outcome and duration the test chooses.</summary>
public sealed class MeasuredLoadTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_closed_loop_counts_acknowledged_conflicting_and_failed_operations_apart()
    {
        MeasuredLoad.ShowProgress = false;
        var run = await MeasuredLoad.ClosedAsync("test", 2, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), async (_, i, ct) =>
        {
            await Task.Delay(1, ct);
            return (i % 3) switch
            {
                0 => OpOutcome.Ok,
                1 => OpOutcome.Conflict,
                _ => OpOutcome.Failed("refused on purpose"),
            };
        }, Cancel);

        Assert.Equal("closed", run.Mode);
        Assert.True(run.Ok > 0 && run.Conflicts > 0 && run.Errors > 0, $"ok {run.Ok}, conflicts {run.Conflicts}, errors {run.Errors}");
        Assert.Equal("refused on purpose", run.FirstFailure);

        // Acknowledged and conflicting operations were answered, so both are in the latencies; failures are not.
        Assert.Equal(run.Ok + run.Conflicts, run.Latency.Count);
        Assert.True(run.Latency.P50Ms >= 1, $"p50 {run.Latency.P50Ms} ms for operations of at least 1 ms");
    }

    [Fact]
    public async Task An_open_loop_sends_or_drops_every_request_of_its_schedule_and_charges_the_wait()
    {
        MeasuredLoad.ShowProgress = false;
        var duration = TimeSpan.FromSeconds(1);

        // One outstanding request at most, each taking 50 ms, at 100 per second: most requests find the
        // bound full and are dropped, and the ones sent are charged from when they were due.
        var run = await MeasuredLoad.OpenAsync("test", 100, 1, TimeSpan.Zero, duration, async (_, _, ct) =>
        {
            await Task.Delay(50, ct);
            return OpOutcome.Ok;
        }, Cancel);

        Assert.Equal("open", run.Mode);
        Assert.Equal(new OpenLoopSchedule(100).CountWithin((long)(duration.TotalSeconds * System.Diagnostics.Stopwatch.Frequency)), run.Ok + run.Dropped);
        Assert.True(run.Dropped > run.Ok, $"dropped {run.Dropped}, sent {run.Ok}");
        Assert.True(run.Latency.P50Ms >= 50, $"p50 {run.Latency.P50Ms} ms for operations of 50 ms");
        Assert.StartsWith("dropped", run.FirstFailure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exception_of_an_operation_is_a_failure_with_its_message()
    {
        MeasuredLoad.ShowProgress = false;
        var run = await MeasuredLoad.ClosedAsync("test", 1, TimeSpan.Zero, TimeSpan.FromMilliseconds(100), (_, _, _) =>
            throw new InvalidOperationException("the driver broke"), Cancel);

        Assert.Equal(0, run.Ok);
        Assert.True(run.Errors > 0);
        Assert.Contains("the driver broke", run.FirstFailure, StringComparison.Ordinal);
    }
}
