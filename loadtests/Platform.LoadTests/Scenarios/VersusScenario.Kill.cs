using System.Diagnostics;
using System.Globalization;
using Platform.LoadTests.Drivers;
using Platform.LoadTests.Load;
using Platform.LoadTests.Report;

namespace Platform.LoadTests.Scenarios;

/// <summary>
/// The leader kill of the versus scenario: on a fresh cluster, closed-loop writers write through the two
/// members that do not lead; the leader is SIGKILLed; the figure is the time from the kill to the first
/// acknowledged write sent after it (read off the writers' timeline as the failover scenario does).
/// </summary>
public sealed partial class VersusScenario
{
    // Past the platform's 5 s retry of a write that finds no leader and etcd's 7 s request timeout.
    private static readonly TimeSpan ResumeBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LeaderBound = TimeSpan.FromSeconds(30);

    // Recorded after every writer resumed: a second election right after the first would show as a gap.
    private static readonly TimeSpan Tail = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Each write of a kill trial gives up after this and the writer sends the next at once, for both
    /// systems: what is measured is when the cluster takes writes again, not how long a server holds a
    /// write it cannot commit (etcd answers those after its 7 s request timeout, the platform after up to
    /// 5 s), which a client's own deadline decides. 250 ms is far above either system's write latency here.
    /// </summary>
    private static readonly TimeSpan KillAttemptTimeout = TimeSpan.FromMilliseconds(250);

    private async Task<KillTrial> KillTrialAsync(string system, int trial, CancellationToken cancellationToken)
    {
        Console.WriteLine($"==> versus leader kill {trial}/{parameters.KillTrials}: {system} (fresh cluster)");
        try
        {
            await using var driver = await StartAsync(system, cancellationToken);
            setups[system] = driver.Setup;
            var leader = await WaitForLeaderAsync(driver, cancellationToken);
            if (leader is not { } killed)
            {
                return Failed("no leader agreed on within the bound; nothing was killed");
            }

            int[] followers = [.. Enumerable.Range(0, driver.Members).Where(m => m != killed)];
            var loops = RecordingLoops.Start(parameters.KillWriters, (worker, i, ct) =>
                WithDeadlineAsync(c => driver.PutAsync(followers[worker % followers.Length], string.Create(CultureInfo.InvariantCulture, $"k/{worker}/{i}"), value, c), ct), cancellationToken);
            IReadOnlyList<IReadOnlyList<TimedRequest>> timeline;
            long? killTicks = null;
            string? failure = null;
            try
            {
                // The warm-up: connections open and the write path warm by the kill.
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, parameters.WarmupSeconds)), cancellationToken);
                if (await driver.FindLeaderAsync(cancellationToken) != killed)
                {
                    failure = $"the leader was no longer member {killed} when the kill was due; nothing was killed";
                }
                else if (!driver.KillMember(killed))
                {
                    failure = $"no SIGKILL went to member {killed}";
                }
                else
                {
                    killTicks = Stopwatch.GetTimestamp();
                    var waited = Stopwatch.StartNew();
                    while (!loops.EveryLoopAcknowledgedSentAfter(killTicks.Value) && waited.Elapsed < ResumeBound)
                    {
                        await Task.Delay(Poll, cancellationToken);
                    }

                    await Task.Delay(Tail, cancellationToken);
                }
            }
            finally
            {
                timeline = await loops.StopAsync();
            }

            if (killTicks is not { } at)
            {
                return Failed(failure!);
            }

            var figures = FailoverTimeline.Analyze(timeline, at);
            Console.WriteLine(Units.Invariant($"    {system}: killed member {killed}; writes resumed after {Units.Seconds(figures.ResumeAfter)}, longest gap {Units.Seconds(figures.LongestGap)}"));
            var unmeasured = figures.ResumeAfter is null ? $"no write sent after the kill was acknowledged within {ResumeBound.TotalSeconds:F0} s" : null;
            if (unmeasured is not null)
            {
                failures.Add($"{system} leader kill {trial}: {unmeasured}");
            }

            return new KillTrial(system, trial, $"member {killed}", figures.ResumeAfter, figures.LongestGap, figures.FailuresByOutcome, unmeasured);
        }
        catch (Exception problem) when (problem is InvalidOperationException or TimeoutException or HttpRequestException or Grpc.Core.RpcException or Platform.Client.PlatformProblemException && !cancellationToken.IsCancellationRequested)
        {
            return Failed($"{problem.GetType().Name}: {problem.Message}");
        }

        KillTrial Failed(string why)
        {
            failures.Add($"{system} leader kill {trial}: {why}");
            return new KillTrial(system, trial, null, null, null, new Dictionary<string, long>(), why);
        }
    }

    private static async Task<int?> WaitForLeaderAsync(IKvDriver driver, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < LeaderBound)
        {
            if (await driver.FindLeaderAsync(cancellationToken) is { } leader)
            {
                return leader;
            }

            await Task.Delay(100, cancellationToken);
        }

        return null;
    }

    /// <summary>One write under <see cref="KillAttemptTimeout"/>: past it, or on any failure, the write counts as failed.</summary>
    private static async ValueTask<OpOutcome> WithDeadlineAsync(Func<CancellationToken, ValueTask<OpOutcome>> write, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(KillAttemptTimeout);
        try
        {
            return await write(attempt.Token);
        }
#pragma warning disable CA1031 // Any failure of one write (timeout, refusal, reset) is what the trial records.
        catch (Exception failed) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return OpOutcome.Failed(attempt.IsCancellationRequested ? $"no answer within {KillAttemptTimeout.TotalMilliseconds:0} ms" : $"{failed.GetType().Name}: {failed.Message.Split('\n')[0]}");
        }
    }
}
