using System.Diagnostics;
using Platform.Client;
using Platform.Client.Models;
using Platform.LoadTests.Cluster;
using Platform.LoadTests.Load;
using Platform.LoadTests.Report;

namespace Platform.LoadTests.Scenarios;

/// <summary>
/// Scenario (f), leader failover: on a fresh <c>platform up --regions eu-west --nodes 3</c>, closed-loop
/// writers write through the two nodes that do not lead the namespace's group while that leader's node
/// process is SIGKILLed; the writers' timeline says how long writes stopped. Each run destroys a node, so
/// each gets a fresh cluster, and the regional scenario runs this one last.
/// </summary>
public static class FailoverScenario
{
    public const int Writers = 8;

    // Three kills on fresh clusters took 68-76 s in trials on a 2-core machine (start, leadership
    // settling, writing, stop), inside the two minutes the issue allows, and give a median that one
    // unlucky election timeout (random in [1 s, 2 s)) cannot set alone.
    public const int Runs = 3;

    /// <summary>The issue's goal: writes resume within 1.5 s of the leader's death.</summary>
    public const double GoalSeconds = 1.5;

    private const int NodesPerRegion = 3;
    private static readonly TimeSpan LeadershipQuiet = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LeadershipBound = TimeSpan.FromSeconds(60);

    // Once every writer has resumed, a little more is recorded: a second election or leadership move
    // right after the first would show as a later gap.
    private static readonly TimeSpan Tail = TimeSpan.FromSeconds(2);

    // Well past the 5 s a node retries a write that finds no leader and the 5 s grain call timeout: a
    // writer with no acknowledgement by then is stuck, and the run is reported as not measured.
    private static readonly TimeSpan ResumeBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    public static string Command => $"platform up --regions {RegionalScenario.Region} --nodes {NodesPerRegion} --base-port 0 --data-dir <fresh directory>";

    public static async Task<FailoverResult> RunAsync(HarnessOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.GetTimestamp();

        // The warm-up length: connections are open and the write path is warm by the kill.
        var preKill = TimeSpan.FromSeconds(options.Parameters.WarmupSeconds);
        Console.WriteLine($"==> (f) leader failover, {Runs} run(s) on fresh clusters: {Writers} writers, SIGKILL of the leader after {preKill.TotalSeconds:F0} s");
        var runs = new List<FailoverRun>();
        for (var run = 1; run <= Runs; run++)
        {
            runs.Add(await RunOnceAsync(options, run, preKill, cancellationToken));
        }

        var result = FailoverResult.From(Writers, GoalSeconds, preKill.TotalSeconds, runs, Stopwatch.GetElapsedTime(started));
        Console.WriteLine($"    median: writes resume after {result.MedianResumeAfterSeconds:F3} s, every writer after {result.MedianEveryWriterResumedAfterSeconds:F3} s, longest gap {result.MedianLongestGapSeconds:F3} s ({result.TotalSeconds:F0} s in all)");
        return result;
    }

    private static async Task<FailoverRun> RunOnceAsync(HarnessOptions options, int run, TimeSpan preKill, CancellationToken cancellationToken)
    {
        try
        {
            await using var up = await PlatformUpProcess.StartAsync(options.PlatformDll, RegionalScenario.Region, NodesPerRegion, options.DataRoot, cancellationToken);
            var admin = up.Cluster.Nodes.Select(n => new PlatformClient(n.Endpoint, up.Cluster.AdminToken)).ToList();
            try
            {
                return await MeasureAsync(up, admin, run, preKill, options.Parameters, cancellationToken);
            }
            finally
            {
                foreach (var client in admin)
                {
                    client.Dispose();
                }
            }
        }
        catch (Exception problem) when (problem is InvalidOperationException or TimeoutException or HttpRequestException or PlatformProblemException && !cancellationToken.IsCancellationRequested)
        {
            // This run's cluster did not come up or could not be set up: that is its finding; the next run gets a fresh one.
            var reason = problem.Message.Split('\n')[0];
            Console.Error.WriteLine($"    run {run} could not be measured: {reason}");
            return new FailoverRun(run, null, null, null, [], null, null, null, null, $"the cluster could not be set up: {reason}", []);
        }
    }

    private static async Task<FailoverRun> MeasureAsync(PlatformUpProcess up, List<PlatformClient> admin, int run, TimeSpan preKill, RunParameters parameters, CancellationToken cancellationToken)
    {
        var nodes = up.Cluster.Nodes.ToList();
        var notes = new List<string>();
        var ns = RegionalScenario.Namespace;
        var created = await admin[0].PutNamespaceAsync(ns, new NamespaceSpec(NamespaceSpec.LocalCommit, RegionalScenario.Region), cancellationToken);
        var group = (created ?? await admin[0].GetNamespaceAsync(ns, cancellationToken)).Group
            ?? throw new InvalidOperationException($"the catalog does not say which group holds namespace {ns}");

        // `up` moves group leaders a few seconds after start; killing a leader about to hand over would measure the handover.
        var (leadership, settled) = await Leadership.WaitSettledAsync(admin, LeadershipQuiet, LeadershipBound, cancellationToken);
        if (!settled)
        {
            notes.Add($"Group leadership did not stay unchanged for {LeadershipQuiet.TotalSeconds:F0} s within {LeadershipBound.TotalSeconds:F0} s; killed anyway (last seen: {leadership?.Fingerprint ?? "no agreement"}).");
        }

        var leaderName = leadership is not null && leadership.Leaders.TryGetValue(group, out var name) ? name : null;
        var leader = nodes.FirstOrDefault(n => n.Name == leaderName)
            ?? throw new InvalidOperationException($"the nodes do not agree on a leader of group {group}");
        var survivors = nodes.Where(n => n != leader).ToList();
        var survivorAdmin = admin.Where((_, i) => nodes[i] != leader).ToList();
        var writersTo = survivors.Select(n => n.Name).ToList();
        Console.WriteLine($"    run {run}: group {group} led by {leader.Name} (pid {leader.Pid}); leadership {leadership!.Fingerprint}; writing through {string.Join(", ", writersTo)}");

        var bytes = new byte[parameters.ValueBytes];
        new Random(42).NextBytes(bytes);
        ReadOnlyMemory<byte> value = bytes;
        using var http = new LoadHttp(up.Cluster.AdminToken, Math.Max(64, Writers));
        string? failure = null;
        long? killTicks = null;
        IReadOnlyList<IReadOnlyList<TimedRequest>> timeline;
        var loops = RecordingLoops.Start(Writers, (loop, i, ct) =>
            http.PutForAnswerAsync(LoadHttp.KeyUri(survivors[loop % survivors.Count].Endpoint, ns, $"failover/{loop:D2}/{i % 1000:D4}"), value, ct), cancellationToken);
        try
        {
            await Task.Delay(preKill, cancellationToken);
            (killTicks, failure) = await KillLeaderAsync(up, admin, group, leader, cancellationToken);
            if (killTicks is { } kill)
            {
                while (!loops.EveryLoopAcknowledgedSentAfter(kill) && Stopwatch.GetElapsedTime(kill) < ResumeBound)
                {
                    await Task.Delay(Poll, cancellationToken);
                }

                if (loops.EveryLoopAcknowledgedSentAfter(kill))
                {
                    await Task.Delay(Tail, cancellationToken);
                }
                else
                {
                    failure = $"not every writer had a write acknowledged within {ResumeBound.TotalSeconds:F0} s of the kill";
                }
            }
        }
        finally
        {
            // Every writer stops (its request in flight answered) before the cluster is torn down, whatever happened.
            timeline = await loops.StopAsync();
        }

        if (killTicks is not { } killed)
        {
            return new FailoverRun(run, group, leader.Name, leader.Pid, writersTo, null, null, null, null, failure, notes);
        }

        var recordedAfterKill = Stopwatch.GetElapsedTime(killed).TotalSeconds;
        var figures = FailoverTimeline.Analyze(timeline, killed);
        if (figures.FailuresBeforeKill > 0)
        {
            notes.Add($"{figures.FailuresBeforeKill} write(s) failed before the kill: the cluster was not healthy when it was killed.");
        }

        if (!up.HasNodeExited(leader))
        {
            notes.Add($"{leader.Name} (pid {leader.Pid}) was still running when the recording stopped, although SIGKILL was sent.");
        }

        var after = await Leadership.ReadAsync(survivorAdmin, cancellationToken);
        var newLeader = after is not null && after.Leaders.TryGetValue(group, out var next) ? next : null;
        if (newLeader is null)
        {
            notes.Add($"The surviving nodes did not agree on a leader of group {group} when the recording stopped.");
        }

        Console.WriteLine($"    run {run}: killed {leader.Name}; writes resume after {figures.ResumeAfter:F3} s, every writer after {figures.EveryWriterResumedAfter:F3} s, longest gap {figures.LongestGap:F3} s; new leader {newLeader ?? "none agreed"}; failures: {(figures.FailuresByOutcome.Count == 0 ? "none" : string.Join(", ", figures.FailuresByOutcome.Select(f => $"{f.Key}: {f.Value}")))}");
        return new FailoverRun(run, group, leader.Name, leader.Pid, writersTo, recordedAfterKill, figures, newLeader, newLeader is null ? null : after!.Terms[group], failure, notes);
    }

    /// <summary>
    /// SIGKILLs the group's leader once all nodes still agree it leads, and returns the Stopwatch time
    /// right after kill(2) returned, on the clock the writers stamp their requests with; or why nothing was killed.
    /// </summary>
    private static async Task<(long? KillTicks, string? Failure)> KillLeaderAsync(PlatformUpProcess up, List<PlatformClient> admin, long group, ClusterNode leader, CancellationToken cancellationToken)
    {
        var now = await Leadership.ReadAsync(admin, cancellationToken);
        if (now is null || !now.Leaders.TryGetValue(group, out var current) || current != leader.Name)
        {
            return (null, $"the leader of group {group} was no longer {leader.Name} when the kill was due (leadership: {now?.Fingerprint ?? "no agreement"}); nothing was killed");
        }

        if (!up.KillNode(leader))
        {
            return (null, $"no SIGKILL went to {leader.Name} (pid {leader.Pid}): the pid no longer ran this platform's node, or kill(2) failed");
        }

        return (Stopwatch.GetTimestamp(), null);
    }
}
