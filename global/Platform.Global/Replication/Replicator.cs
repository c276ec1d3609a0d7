using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Global.Moves;
using Platform.Global.Transport;
using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;
using Platform.Regional.StateMachine;

namespace Platform.Global.Replication;

/// <summary>
/// The async replicator of this node's region. For every <c>local-commit</c> namespace homed in
/// another region, the node that leads this region's group holding the copy runs its
/// <see cref="CopyPuller"/> (a change of leader moves it; the watermark is in the group, so the
/// new one resumes where the copy is). Every <see cref="ReplicationBoard.ReportEvery"/> the
/// streams' progress goes to every node of the home region (which computes lag and applies the
/// RPO policy) and of this region (for <c>X-Config-Lag-Ms</c>). Copies of namespaces the catalog
/// no longer has are removed.
/// </summary>
public sealed partial class Replicator(
    GroupRouter router, NamespaceAccess namespaces, NamespaceCatalog catalog, IInterRegionTransport client, ReplicationBoard board,
    ReplicationMetrics metrics, IReplicationGuard guard, TimeProvider time, ILogger<Replicator> logger) : BackgroundService
{
    private static readonly TimeSpan ReconcileEvery = TimeSpan.FromMilliseconds(200);
    private readonly Dictionary<string, (CopyPuller Stream, CancellationTokenSource Stop, Task Running)> streams = new(StringComparer.Ordinal);
    private readonly StaleMoves staleMoves = new();

    private InterRegionOptions Options => client.Options;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>Reconciles every <see cref="ReconcileEvery"/> and reports progress until <paramref name="stoppingToken"/>.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var reporting = ReportAsync(stoppingToken);
        using var timer = new PeriodicTimer(ReconcileEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await ReconcileAsync(stoppingToken);
                }
                catch (Exception failed) when (failed is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogReconcileFailed(logger, failed.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var (_, (_, stop, running)) in streams)
            {
                CancelHere(stop);
                await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
                stop.Dispose();
            }

            await reporting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }
    }

    private async Task ReconcileAsync(CancellationToken stoppingToken)
    {
        var regions = Options.Peers.Select(p => p.Region).ToHashSet(StringComparer.Ordinal);
        var entries = catalog.Replica.Read(m => m.Catalog.Entries.ToList());
        var wanted = entries
            .Where(e => e.Mode == NamespaceMode.LocalCommit && e.HomeRegion is { } home && home != Options.Region && regions.Contains(home))
            .ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in wanted.Values)
        {
            var group = namespaces.RegionalGroupOf(entry.Name);
            var leads = router.Local(group).LeaderAndTerm.Leader == Options.NodeName;
            var running = streams.TryGetValue(entry.Name, out var stream);
            if (running && (!leads || stream.Stream.Entry.Epoch != entry.Epoch || stream.Stream.Entry.HomeRegion != entry.HomeRegion))
            {
                await StopAsync(entry.Name);
                running = false;
            }

            if (leads && !running)
            {
                var copy = new CopyPuller(entry, group, router, client, metrics, time, logger);
                var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                streams[entry.Name] = (copy, stop, NodeTime.Detached(() => copy.RunAsync(stop.Token)));
            }
            else if (running)
            {
                stream.Stream.Update(entry);
            }
        }

        foreach (var name in streams.Keys.Where(n => !wanted.ContainsKey(n)).ToList())
        {
            await StopAsync(name);
        }

        await FollowCatalogAsync(entries, stoppingToken);

        await RemoveOrphanCopiesAsync(entries, stoppingToken);

        await FinishModeChangesAsync(stoppingToken);

        await AbortStaleMovesAsync(entries, stoppingToken);

        await DeliverDivergentAsync(stoppingToken);
    }

    /// <summary>
    /// Moves the writes this region dropped past a fork point (in groups this node leads) into the
    /// catalog's divergent-writes archive, then forgets them here: nothing past a fork is dropped
    /// silently. Delivery repeats until it succeeds; the archive keeps each write once.
    /// </summary>
    private async Task DeliverDivergentAsync(CancellationToken stoppingToken)
    {
        const int Batch = 256;
        for (ulong group = 0; group < (ulong)router.Node.Groups; group++)
        {
            var replica = router.Local(group);
            if (replica.LeaderAndTerm.Leader != Options.NodeName)
            {
                continue;
            }

            var pending = replica.Read(m => m.Namespaces
                .Select(n => (Name: n, Writes: m.State(n)!.PendingDivergent.Take(Batch).ToList()))
                .Where(p => p.Writes.Count > 0)
                .ToList());
            foreach (var (name, writes) in pending)
            {
                var archived = await router.ProposeAsync(catalog.Group, new ArchiveDivergentCommand(name, writes), stoppingToken);
                if (archived.Problem is { } problem && catalog.Find(name) is not null)
                {
                    LogDivergentNotDelivered(logger, name, writes.Count, problem);
                    continue;
                }

                // Archived, or the namespace is gone (and its archive with it).
                await router.ProposeAsync(group, new ForgetDivergentCommand(name, [.. writes.Select(w => w.Identity)]), stoppingToken);
                LogDivergentDelivered(logger, name, writes.Count, writes.Count(w => w.Acknowledged), archived.Problem ?? "archived");
            }
        }
    }

    /// <summary>
    /// Aborts, from the node leading the group the move starts from here, a move whose record sat in
    /// the catalog past <see cref="StaleMoves.AbortAfter"/> (<see cref="StaleMoves"/>).
    /// </summary>
    private async Task AbortStaleMovesAsync(IReadOnlyList<CatalogEntry> entries, CancellationToken stoppingToken)
    {
        foreach (var entry in staleMoves.Due(entries, Options.Region, time.Monotonic()))
        {
            var group = entry.Mode == NamespaceMode.LocalCommit ? namespaces.LocalGroupOf(entry) : namespaces.RegionalGroupOf(entry.Name);
            if (router.Local(group).LeaderAndTerm.Leader != Options.NodeName)
            {
                continue;
            }

            var reply = await router.ProposeAsync(catalog.Group, new EndMoveCommand(entry.Name, null, null, entry.Version), stoppingToken);
            LogStaleMoveAborted(logger, entry.Name, entry.MovingTo!, StaleMoves.AbortAfter.TotalSeconds, reply.Problem ?? "done");
        }
    }

    /// <summary>
    /// Finishes what a mode change left behind (<see cref="ModeChangeRules"/>) in the groups this
    /// node leads: this region's groups and the strong-global group. Only with a fresh catalog
    /// replica; a delete only on the catalog's word as of now (a linearizable read).
    /// </summary>
    private async Task FinishModeChangesAsync(CancellationToken stoppingToken)
    {
        if (catalog.Replica.SinceFresh > NamespaceCatalog.MaxStaleness || router.Global is not { } global)
        {
            return;
        }

        var groups = Enumerable.Range(0, router.Node.Groups).Select(g => (ulong)g).Append(global.StrongGlobalGroup);
        foreach (var group in groups)
        {
            var replica = group == global.StrongGlobalGroup ? global.Local(group) : router.Local(group);
            if (replica is null || replica.LeaderAndTerm.Leader != Options.NodeName)
            {
                continue;
            }

            GroupCommand? Step(string ns, HeldNamespace held) => group == global.StrongGlobalGroup
                ? ModeChangeRules.InStrongGlobalGroup(catalog.Find(ns), held, ns)
                : ModeChangeRules.InRegionalGroup(catalog.Find(ns), held, ns, group);

            var steps = replica.Read(m => m.Namespaces.Select(n => (Name: n, Held: CatalogRules.Held(m, n)!.Value)).Where(h => Step(h.Name, h.Held) is not null).ToList());
            if (steps.Count == 0)
            {
                continue;
            }

            await router.LinearizableBarrierAsync(catalog.Group, stoppingToken);
            foreach (var (name, held) in steps)
            {
                if (Step(name, held) is { } command)
                {
                    var reply = await router.ProposeAsync(group, command, stoppingToken);
                    LogModeChangeFinished(logger, name, command.GetType().Name, group, reply.Problem ?? "done");
                }
            }
        }
    }

    /// <summary>
    /// Brings the data of every local-commit namespace in groups this node leads in line with the
    /// catalog (<see cref="CatalogRules"/>): demotes a home that moved away, truncates past a fork,
    /// promotes a copy the catalog made the home, lifts a fence whose move is over. Only with a
    /// fresh catalog replica.
    /// </summary>
    private async Task FollowCatalogAsync(IReadOnlyList<CatalogEntry> entries, CancellationToken stoppingToken)
    {
        if (catalog.Replica.SinceFresh > NamespaceCatalog.MaxStaleness)
        {
            return;
        }

        foreach (var entry in entries.Where(e => e.Mode == NamespaceMode.LocalCommit))
        {
            var group = namespaces.LocalGroupOf(entry);
            var replica = router.Local(group);
            for (var step = 0; step < 4 && replica.LeaderAndTerm.Leader == Options.NodeName; step++)
            {
                var held = replica.Read(m => CatalogRules.Held(m, entry.Name));
                if (held is not { } now || CatalogRules.NextStep(entry, Options.Region, now) is not { } command)
                {
                    break;
                }

                var reply = await router.ProposeAsync(group, command, stoppingToken);
                LogFollowed(logger, entry.Name, command.GetType().Name, entry.Epoch, reply.Problem ?? reply.Write?.Detail ?? "done");
            }
        }
    }

    private async Task StopAsync(string ns)
    {
        var (_, stop, running) = streams[ns];
        streams.Remove(ns);
        CancelHere(stop);
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        stop.Dispose();
    }

    /// <summary>Cancels on this thread: CancelAsync would run the stream's callbacks on the thread pool.</summary>
    private static void CancelHere(CancellationTokenSource stop)
    {
#pragma warning disable CA1849
        stop.Cancel();
#pragma warning restore CA1849
    }

    /// <summary>
    /// Deletes copies, in groups this node leads, of namespaces the catalog deleted (or created
    /// again: the copy's epoch is not among the entry's). Only with a fresh catalog replica, so a
    /// node behind the catalog does not drop a copy it will need again.
    /// </summary>
    private async Task RemoveOrphanCopiesAsync(IReadOnlyList<CatalogEntry> entries, CancellationToken stoppingToken)
    {
        if (catalog.Replica.SinceFresh > NamespaceCatalog.MaxStaleness)
        {
            return;
        }

        var known = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        for (ulong group = 0; group < (ulong)router.Node.Groups; group++)
        {
            var replica = router.Local(group);
            if (replica.LeaderAndTerm.Leader != Options.NodeName)
            {
                continue;
            }

            var orphans = replica.Read(m => m.Namespaces
                .Select(n => m.State(n)!)
                .Where(s => s.IsCopy && IsOrphan(known.GetValueOrDefault(s.Store.Name), s.Store.Epoch, Options.Region))
                .Select(s => (s.Store.Name, s.Store.Epoch))
                .ToList());
            if (orphans.Count > 0)
            {
                // A copy is deleted only on the catalog's word as of now (a linearizable read), never
                // on a replica's view that may be in the middle of catching up.
                await router.LinearizableBarrierAsync(catalog.Group, stoppingToken);
            }

            foreach (var (name, epoch) in orphans.Where(o => IsOrphan(catalog.Find(o.Name), o.Epoch, Options.Region)))
            {
                LogOrphanRemoved(logger, name, epoch);
                await router.ProposeAsync(group, new DeleteNamespaceCommand(name, epoch), stoppingToken);
                board.Forget(name);
            }
        }
    }

    /// <summary>
    /// A copy the catalog no longer has a use for: its namespace is gone, created again (its epoch
    /// is not among the entry's), or not local-commit (unless it is the copy a change to
    /// local-commit homed in this region is making).
    /// </summary>
    private static bool IsOrphan(CatalogEntry? entry, long copyEpoch, string region) =>
        entry is null || (entry.Mode != NamespaceMode.LocalCommit && entry.MovingTo != region) || !entry.Epochs.Any(e => e.Epoch == copyEpoch);

    /// <summary>Sends the copies' progress to the home regions' nodes and this region's, and notes RPO breaches of namespaces homed here.</summary>
    private async Task ReportAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ReplicationBoard.ReportEvery, time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var reports = new List<(string Home, CopyProgress Progress)>();
            foreach (var (stream, _, _) in streams.Values.ToList())
            {
                try
                {
                    reports.Add((stream.Entry.HomeRegion!, stream.Progress()));
                }
                catch (Exception notActive) when (notActive is InvalidOperationException or Regional.Replicas.NodeNotReadyException)
                {
                    // The group's replica is not active on this node (it is starting or stopping).
                }
            }

            foreach (var (_, progress) in reports)
            {
                board.Record(progress);
            }

            var sends = reports.GroupBy(r => r.Home)
                .SelectMany(byHome =>
                {
                    var body = ProgressRoutes.Encode([.. byHome.Select(r => r.Progress)]);
                    return Options.Peers
                        .Where(p => p.Region == byHome.Key || (p.Region == Options.Region && p.Node != Options.NodeName))
                        .Select(p => SendAsync(p, body, stoppingToken));
                })
                .ToList();
            NoteBreaches();
            await Task.WhenAll(sends);
        }
    }

    private async Task SendAsync(PeerEndpoint peer, byte[] body, CancellationToken stoppingToken)
    {
        try
        {
            using var bounded = time.Within(TimeSpan.FromSeconds(2), stoppingToken);
            await client.PostAsync(peer, ProgressRoutes.Path, body, bounded.Token);
        }
        catch (Exception failed) when (failed is HttpRequestException or OperationCanceledException or IOException)
        {
            // An unreachable node misses this report; the next one carries the same progress.
        }
    }

    /// <summary>Counts breaches of namespaces homed here even while nothing is written (the alert policy's signal).</summary>
    private void NoteBreaches()
    {
        try
        {
            var homed = catalog.Replica.Read(m => m.Catalog.Entries.Where(e => e.Mode == NamespaceMode.LocalCommit && e.HomeRegion == Options.Region).ToList());
            foreach (var entry in homed)
            {
                var lags = guard.Lags(entry);
                if (lags.Count > 0)
                {
                    metrics.NoteBreach(entry.Name, lags.Min(l => l.LagSeconds) > entry.Settings.Rpo.TotalSeconds);
                }
            }
        }
        catch (Exception starting) when (starting is InvalidOperationException or Regional.Replicas.NodeNotReadyException)
        {
            // Still starting.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "'{Namespace}' follows the catalog (epoch {Epoch}): {Step}: {Result}")]
    private static partial void LogFollowed(ILogger logger, string @namespace, string step, long epoch, string result);

    [LoggerMessage(Level = LogLevel.Information, Message = "removing this region's copy of '{Namespace}' (epoch {Epoch}): the catalog no longer has a use for it")]
    private static partial void LogOrphanRemoved(ILogger logger, string @namespace, long epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "'{Namespace}': finishing a mode change: {Step} in group {Group}: {Result}")]
    private static partial void LogModeChangeFinished(ILogger logger, string @namespace, string step, ulong group, string result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "'{Namespace}': aborting its move to {Target}, recorded in the catalog more than {Seconds} s ago: {Result}")]
    private static partial void LogStaleMoveAborted(ILogger logger, string @namespace, string target, double seconds, string result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "'{Namespace}': {Count} writes past a fork point ({Acknowledged} acknowledged) moved to the divergent-writes archive: {Result}")]
    private static partial void LogDivergentDelivered(ILogger logger, string @namespace, int count, int acknowledged, string result);

    [LoggerMessage(Level = LogLevel.Information, Message = "'{Namespace}': {Count} divergent writes not archived yet: {Reason}")]
    private static partial void LogDivergentNotDelivered(ILogger logger, string @namespace, int count, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "replicator reconcile failed: {Reason}")]
    private static partial void LogReconcileFailed(ILogger logger, string reason);
}
