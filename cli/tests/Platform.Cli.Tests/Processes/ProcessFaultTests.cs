using System.Collections.Concurrent;
using Platform.Testing.Linearizability;

namespace Platform.Cli.Tests.Processes;

/// <summary>One region of three node processes for the fault tests; process collections run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessFaultSuite : ICollectionFixture<ProcessRegion>
{
    public const string Name = "process faults";
}

/// <summary>
/// Faults injected into real node processes (SIGKILL, SIGSTOP/SIGCONT, restart on the same data) while
/// clients talk to the HTTP API, and what a client may rely on afterwards: no acknowledged write lost, no
/// stale linearizable read, a restarted node catching up, and linearizable histories.
/// </summary>
[Trait("Category", "Integration")]
[Collection(ProcessFaultSuite.Name)]
public sealed class ProcessFaultTests(ProcessRegion region)
{
    private static readonly TimeSpan HealBound = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    [Fact]
    public async Task Killing_the_leader_during_concurrent_writes_loses_no_acknowledged_write_and_writes_resume()
    {
        await region.HealAsync(HealBound, Cancel);
        const long group = 1;
        var leader = region.PreferredLeader(group);
        var survivors = region.Nodes.Where(n => n != leader).ToList();
        var ns = await region.CreateNamespaceInGroupAsync("kill", group, survivors[0], Cancel);

        var results = new ConcurrentQueue<WriteResult>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 6).Select(client => Task.Run(
            async () =>
            {
                // Every write its own key and value: afterwards each acknowledged key must hold exactly its value.
                var via = survivors[client % survivors.Count];
                for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
                {
                    results.Enqueue(await region.Api.PutAsync(via, ns, $"w/{client}/{sequence}", $"c{client}-s{sequence}-{Guid.NewGuid():N}", Cancel));
                }
            },
            Cancel)).ToArray();

        long killedAt;
        try
        {
            await Until(() => results.Count(r => r.Status == WriteStatus.Done) >= 30, TimeSpan.FromSeconds(20), "30 writes acknowledged before the kill");
            var views = await region.UntilAsync(survivors, TimeSpan.FromSeconds(5), v => v.Group(group).Leader is not null, "a known leader", Cancel);
            Assert.All(views, v => Assert.Equal(leader.Name, v.Group(group).Leader));

            leader.Kill();
            killedAt = RegionApi.Now;
            // Bounded, and not fatal by itself: the assertions below say what happened when writes did not resume.
            await Eventually(() => results.Count(r => r.Status == WriteStatus.Done && r.InvokedAt > killedAt) >= 60, TimeSpan.FromSeconds(20));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        }

        var all = results.ToList();
        var done = all.Where(r => r.Status == WriteStatus.Done).ToList();
        var unknown = all.Where(r => r.Status == WriteStatus.Unknown).ToList();
        var refused = all.Where(r => r.Status == WriteStatus.Refused).ToList();
        var resumed = done.Where(r => r.InvokedAt > killedAt).Select(r => (long?)r.CompletedAt).Min();
        var pause = resumed is { } at ? TimeSpan.FromTicks((long)((at - killedAt) * (double)TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency)) : (TimeSpan?)null;
        var summary = $"{all.Count} writes: {done.Count} acknowledged, {unknown.Count} unknown, {refused.Count} refused; " +
            $"first write invoked after the kill acknowledged {pause?.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) ?? "never"} ms after it; " +
            string.Join("; ", unknown.Concat(refused).GroupBy(r => r.Problem?[..Math.Min(r.Problem.Length, 160)]).Select(g => $"{g.Count()} x {g.Key}"));
        Log(summary);
        Assert.True(pause <= TimeSpan.FromSeconds(10), $"writes did not resume within 10 s of the leader's kill. {summary}\n{string.Join('\n', survivors.Select(n => n.OutputTail(30)))}");
        Assert.Equal(done.Count, done.Select(r => r.Revision).Distinct().Count());

        // After recovery, one listing (one revision) through a survivor: every acknowledged write is there with
        // its value; anything else there must be a write whose outcome was unknown, never a refused one.
        var stored = await region.Api.ListAsync(survivors[0], ns, "w/", Cancel);
        var lost = done.Where(r => !stored.TryGetValue(r.Key, out var value) || value != r.Value).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged writes lost, e.g. {string.Join(", ", lost.Take(5))}");
        var maybe = unknown.ToDictionary(r => r.Key, r => r.Value);
        var acknowledged = done.ToDictionary(r => r.Key, r => r.Value);
        var unexplained = stored.Where(s => !acknowledged.ContainsKey(s.Key) && !(maybe.TryGetValue(s.Key, out var value) && value == s.Value)).ToList();
        Assert.True(unexplained.Count == 0, $"values nobody may have written: {string.Join(", ", unexplained.Take(5))}");
    }

    [Fact]
    public async Task A_leader_frozen_past_the_election_timeout_serves_no_stale_read_and_commits_only_through_the_new_leader()
    {
        await region.HealAsync(HealBound, Cancel);
        const long group = 2;
        var leader = region.PreferredLeader(group);
        var others = region.Nodes.Where(n => n != leader).ToList();
        var ns = await region.CreateNamespaceInGroupAsync("freeze", group, others[0], Cancel);

        var before = await region.Api.PutAsync(leader, ns, "k", "before", Cancel);
        Assert.Equal(WriteStatus.Done, before.Status);

        // A linearizable read at the leader first, so it holds a fresh read lease when it freezes.
        Assert.Equal("before", (await region.Api.GetAsync(leader, ns, "k", "linearizable", Cancel)).Value);
        var oldTerm = (await region.ReadyAsync(leader, Cancel))!.Group(group).Term;

        var during = new List<WriteResult>();
        Task<ReadResult> readAfter;
        Task<WriteResult> writeAfter;
        long frozenAt = RegionApi.Now;
        leader.Freeze();
        try
        {
            var elected = await region.UntilAsync(
                others,
                TimeSpan.FromSeconds(15),
                v => v.Group(group).Leader is { } l && l != leader.Name && v.Group(group).Term > oldTerm,
                "a new leader among the others",
                Cancel);
            Log($"new leader {elected[0].Group(group).Leader} (term {elected[0].Group(group).Term}) {RegionApi.Since(frozenAt).TotalMilliseconds:0} ms after SIGSTOP");
            if (RegionApi.Since(frozenAt) > TimeSpan.FromSeconds(4))
            {
                Log(string.Join('\n', others.Select(n => n.OutputTail(60))));
            }

            for (var i = 0; i < 3; i++)
            {
                during.Add(await UntilDone(others[i % others.Count], ns, "k", $"during-{i}", TimeSpan.FromSeconds(10)));
            }

            // The fault itself: the freeze lasts 3 s in all, past the 1-2 s election timeout and the read lease.
            var left = TimeSpan.FromSeconds(3) - RegionApi.Since(frozenAt);
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left, Cancel);
            }

            // Sent while it is still stopped: the kernel queues them, and the node sees them the moment it wakes,
            // while it may still believe it leads.
            readAfter = region.Api.GetAsync(leader, ns, "k", "linearizable", Cancel);
            writeAfter = region.Api.PutAsync(leader, ns, "k", "after", Cancel);
        }
        finally
        {
            leader.Thaw();
        }

        Log($"SIGCONT after {RegionApi.Since(frozenAt).TotalMilliseconds:0} ms");
        var read = await readAfter;
        var write = await writeAfter;
        var latestDuring = during[^1];
        Log($"read at the old leader: {read.Status} {read.Value} rev {read.ModRevision} ({read.HttpStatus} {read.Problem}); write: {write.Status} rev {write.Revision} ({write.Problem})");

        Assert.True(read.Status == ReadStatus.Found || read.HttpStatus == 503, $"the old leader's node answered the read {read.HttpStatus} {read.Problem}\n{leader.OutputTail()}");
        if (read.Status == ReadStatus.Found)
        {
            Assert.NotEqual("before", read.Value);
            Assert.True(read.ModRevision >= latestDuring.Revision, $"read revision {read.ModRevision} is older than the write {latestDuring.Revision} acknowledged before it");
        }

        Assert.True(write.Status == WriteStatus.Done || write.Problem?.StartsWith("503", StringComparison.Ordinal) == true, $"the old leader's node answered the write {write.Problem}\n{leader.OutputTail()}");
        if (write.Status == WriteStatus.Done)
        {
            Assert.True(write.Revision > latestDuring.Revision, $"a write through the old leader got revision {write.Revision}, not after {latestDuring.Revision}");
            var check = await region.Api.GetAsync(others[0], ns, "k", "linearizable", Cancel);
            Assert.Equal("after", check.Value);
            Assert.Equal(write.Revision, check.ModRevision);
        }

        // The old leader learns the new term and follows.
        await region.UntilAsync([leader], TimeSpan.FromSeconds(15), v => v.Group(group).Term > oldTerm && v.Group(group).Leader is not null, "the old leader following the new term", Cancel);
    }

    [Fact]
    public async Task A_restarted_node_catches_up_on_what_was_written_while_it_was_down()
    {
        await region.HealAsync(HealBound, Cancel);
        const long group = 0;
        var leader = region.PreferredLeader(group);
        var follower = region.Nodes.First(n => n != leader);
        var ns = await region.CreateNamespaceInGroupAsync("restart", group, leader, Cancel);
        Assert.Equal(WriteStatus.Done, (await region.Api.PutAsync(follower, ns, "k", "v-before", Cancel)).Status);

        follower.Kill();
        var alive = region.Nodes.Where(n => n != follower).ToList();
        WriteResult latest = null!;
        for (var i = 0; i < 100; i++)
        {
            latest = await UntilDone(alive[i % alive.Count], ns, i % 4 == 0 ? "k" : $"other/{i}", $"v-{i}", TimeSpan.FromSeconds(10));
        }

        latest = await UntilDone(alive[0], ns, "k", "v-latest", TimeSpan.FromSeconds(10));
        var restartedAt = RegionApi.Now;
        follower.Start();

        ReadResult? seen = null;
        await Until(
            async () =>
            {
                seen = await region.Api.GetAsync(follower, ns, "k", "serializable", Cancel, TimeSpan.FromSeconds(2));
                return seen.Status == ReadStatus.Found && seen.Value == latest.Value && await region.ReadyAsync(follower, Cancel) is { Ready: true };
            },
            TimeSpan.FromSeconds(45),
            "the restarted node serving the latest value from its own replica, and ready");
        Log($"restarted node caught up {RegionApi.Since(restartedAt).TotalMilliseconds:0} ms after its start");
        Assert.Equal(latest.Revision, seen!.ModRevision);
    }

    [Fact]
    public async Task A_concurrent_history_of_reads_and_writes_on_one_key_is_linearizable_across_a_leader_kill()
    {
        await region.HealAsync(HealBound, Cancel);
        const long group = 1;
        var leader = region.PreferredLeader(group);
        var ns = await region.CreateNamespaceInGroupAsync("linear", group, region.Nodes[0], Cancel);
        const string key = "register";

        var live = region.Nodes.ToList();
        var operations = new ConcurrentQueue<(int Client, bool IsWrite, WriteResult? Write, ReadResult? Read)>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 5).Select(client => Task.Run(
            async () =>
            {
                var random = new Random(client);
                for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
                {
                    var targets = Volatile.Read(ref live);
                    var via = targets[random.Next(targets.Count)];
                    if (random.Next(2) == 0)
                    {
                        operations.Enqueue((client, true, await region.Api.PutAsync(via, ns, key, $"c{client}-{sequence}", Cancel), null));
                    }
                    else
                    {
                        operations.Enqueue((client, false, null, await region.Api.GetAsync(via, ns, key, "linearizable", Cancel)));
                    }
                }
            },
            Cancel)).ToArray();

        long killedAt;
        try
        {
            await Until(() => operations.Count >= 60, TimeSpan.FromSeconds(20), "60 operations before the kill");
            Volatile.Write(ref live, [.. region.Nodes.Where(n => n != leader)]);
            leader.Kill();
            killedAt = RegionApi.Now;
            await Eventually(
                () => operations.Count(o => (o.Write?.InvokedAt ?? o.Read!.InvokedAt) > killedAt && (o.Write?.Status == WriteStatus.Done || o.Read?.Status == ReadStatus.Found)) >= 60,
                TimeSpan.FromSeconds(20));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        }

        var history = new List<KvOperation>();
        foreach (var (client, isWrite, write, read) in operations)
        {
            if (isWrite)
            {
                switch (write!.Status)
                {
                    case WriteStatus.Done:
                        history.Add(new KvOperation(client, key, KvOperationKind.Put, write.Value, null, write.InvokedAt, new KvOutcome(write.CompletedAt, null, false)));
                        break;
                    case WriteStatus.Unknown:
                        // May have taken effect at any instant after its invocation, or never.
                        history.Add(new KvOperation(client, key, KvOperationKind.Put, write.Value, null, write.InvokedAt, null));
                        break;
                    case WriteStatus.Refused:
                        // The contract says a refusal changed nothing; if it did, the check below catches it.
                        break;
                }
            }
            else if (read!.Status != ReadStatus.Failed)
            {
                history.Add(new KvOperation(client, key, KvOperationKind.Get, null, null, read.InvokedAt, new KvOutcome(read.CompletedAt, read.Value, false)));
            }
        }

        var puts = history.Count(o => o.Kind == KvOperationKind.Put && !o.IsPending);
        var gets = history.Count(o => o.Kind == KvOperationKind.Get);
        Log($"{operations.Count} operations; checked {puts} acknowledged writes, {history.Count(o => o.IsPending)} unknown, {gets} reads");
        var failures = operations.Select(o => o.Write is { Status: not WriteStatus.Done } w ? w.Problem : o.Read is { Status: ReadStatus.Failed } r ? $"{r.HttpStatus} {r.Problem}" : null)
            .Where(p => p is not null).GroupBy(p => p![..Math.Min(p!.Length, 160)]).Select(g => $"{g.Count()} x {g.Key}");
        Log(string.Join("\n", failures));
        Assert.True(puts >= 10 && gets >= 10, "too few answered operations to mean anything: " + string.Join("; ", failures));

        var verdict = LinearizabilityChecker.Check(history);
        Assert.True(verdict.Verdict == LinearizabilityVerdict.Ok, verdict.Explanation);

        // The same history with one stale read appended must be refused: the check above can fail.
        var acknowledged = history.Where(o => o.Kind == KvOperationKind.Put && !o.IsPending).OrderBy(o => o.Outcome!.RespondedAt).ToList();
        var last = acknowledged[^1];
        var stale = acknowledged.First(o => o.Outcome!.RespondedAt < last.InvokedAt);
        var end = history.Max(o => o.Outcome?.RespondedAt ?? o.InvokedAt) + 1;
        var corrupted = history.Append(new KvOperation(99, key, KvOperationKind.Get, null, null, end, new KvOutcome(end + 1, stale.Value, false))).ToList();
        // Unknown writes may be placed anywhere after their invocation, so proving the violation can
        // take the search far longer than finding a valid order did.
        Assert.Equal(LinearizabilityVerdict.Violation, LinearizabilityChecker.Check(corrupted, stepBudgetPerKey: 50_000_000).Verdict);
    }

    /// <summary>Writes until one attempt is acknowledged (each attempt a fresh value, so an unknown one stays distinguishable).</summary>
    private async Task<WriteResult> UntilDone(NodeProcess via, string ns, string key, string value, TimeSpan bound)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var attempts = new List<WriteResult>();
        while (clock.Elapsed < bound)
        {
            var result = await region.Api.PutAsync(via, ns, key, attempts.Count == 0 ? value : $"{value}-retry{attempts.Count}", Cancel);
            if (result.Status == WriteStatus.Done)
            {
                return result;
            }

            attempts.Add(result);
            await Task.Delay(100, Cancel);
        }

        throw new TimeoutException($"no write of {key} acknowledged through {via.Name} within {bound}: {string.Join("; ", attempts.Select(a => a.Problem))}");
    }

    /// <summary>Waits for a condition within a bound and says whether it came; the caller's assertions judge.</summary>
    private static async Task<bool> Eventually(Func<bool> condition, TimeSpan bound)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > bound)
            {
                return false;
            }

            await Task.Delay(50, Cancel);
        }

        return true;
    }

    private static Task Until(Func<bool> condition, TimeSpan bound, string what) => Until(() => Task.FromResult(condition()), bound, what);

    private static async Task Until(Func<Task<bool>> condition, TimeSpan bound, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > bound)
            {
                throw new TimeoutException($"not within {bound}: {what}");
            }

            await Task.Delay(50, Cancel);
        }
    }
}
