using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Platform.Global.Failover;
using Platform.Global.Transport;
using Platform.Regional.Api.Problems;
using Platform.Regional.Catalog;
using Platform.Regional.Hosting;
using Platform.Regional.Namespaces;
using Platform.Regional.Routing;
using Platform.Regional.StateMachine;

namespace Platform.Global.Drills;

/// <summary>
/// Runs failover drills (<c>POST /v1/drills</c>) on this node and keeps their reports: while a drill
/// runs, here; from its start on, also in the catalog, so every region shows it. A switchover runs at
/// the region it moves namespaces away from; a region loss runs outside the region it takes away
/// (the routes send the request there). One drill at a time per node.
/// </summary>
public sealed partial class DrillRunner(
    GroupRouter router, NamespaceCatalog catalog, INamespaceMover mover, Promotion promotion, IInterRegionTransport client,
    IRegionView regions, PeerMonitor peers, NodeEndpoints endpoints, ILogger<DrillRunner> logger) : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ResumeDeadline = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, DrillReport> reports = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim saving = new(1, 1);

    private InterRegionOptions Options => client.Options;

    /// <summary>
    /// Checks the request (400 with the reason when the drill cannot run: an unknown region, no
    /// namespace to move, a strong-global majority it would break) and starts it; returns its id.
    /// <paramref name="token"/> is the caller's, for the probe writers.
    /// </summary>
    public async Task<string> StartAsync(DrillRequest request, string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (reports.Values.FirstOrDefault(r => r.View().State == "running") is { } busy)
        {
            throw ApiProblemException.InvalidRequest($"drill {busy.Id} is still running on this node");
        }

        var namespaces = await PlanAsync(request, cancellationToken);
        var id = $"d-{DateTimeOffset.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        var report = new DrillReport(id, request, $"{Options.Region}/{Options.NodeName}");
        reports[id] = report;
        await SaveAsync(report, cancellationToken);
        report.PhaseEnded += () => _ = Task.Run(async () =>
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await SaveAsync(report, bounded.Token);
        });
        _ = Task.Run(() => RunAsync(report, request, namespaces, token), CancellationToken.None);
        return id;
    }

    public void Dispose() => saving.Dispose();

    /// <summary>A report: this node's if it runs or ran the drill, else the catalog's.</summary>
    public async Task<DrillReportView?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (reports.TryGetValue(id, out var here))
        {
            return here.View();
        }

        await catalog.FreshenAsync(cancellationToken);
        return catalog.Replica.Read(m => m.Catalog.Drills.GetValueOrDefault(id)) is { } stored ? DrillReportView.Decode(stored) : null;
    }

    /// <summary>Every report the catalog keeps, with this node's running ones as they are now; newest first.</summary>
    public async Task<IReadOnlyList<DrillReportView>> ListAsync(CancellationToken cancellationToken)
    {
        await catalog.FreshenAsync(cancellationToken);
        var stored = catalog.Replica.Read(m => m.Catalog.Drills.ToList());
        var views = stored.Select(s => DrillReportView.Decode(s.Value)).OfType<DrillReportView>().ToDictionary(v => v.Id, StringComparer.Ordinal);
        foreach (var (id, report) in reports)
        {
            views[id] = report.View();
        }

        return [.. views.Values.OrderByDescending(v => v.StartedAt)];
    }

    /// <summary>The namespaces the drill acts on, after checking it can run.</summary>
    private async Task<IReadOnlyList<CatalogEntry>> PlanAsync(DrillRequest request, CancellationToken cancellationToken)
    {
        var names = regions.Regions.Select(r => r.Name).ToList();
        if (request.Kind is not (DrillRequest.Switchover or DrillRequest.RegionLoss))
        {
            throw ApiProblemException.InvalidRequest($"kind is {DrillRequest.Switchover} or {DrillRequest.RegionLoss}, not '{request.Kind}'");
        }

        if (!names.Contains(request.Region))
        {
            throw ApiProblemException.InvalidRequest($"'{request.Region}' is not a region of this deployment ({string.Join(", ", names)})");
        }

        if (request.Kind == DrillRequest.Switchover && (request.Target is not { } target || target == request.Region || !names.Contains(target)))
        {
            throw ApiProblemException.InvalidRequest($"a switchover needs a target region other than {request.Region} ({string.Join(", ", names)})");
        }

        if (request.Kind == DrillRequest.RegionLoss)
        {
            await RequireStrongGlobalMajorityWithoutAsync(request.Region, cancellationToken);
        }

        var entries = await catalog.ListAsync(cancellationToken);
        var homed = entries.Where(e => e.Mode == NamespaceMode.LocalCommit && e.HomeRegion == request.Region).ToDictionary(e => e.Name, StringComparer.Ordinal);
        if (request.Namespaces is { Count: > 0 } asked)
        {
            var strangers = asked.Where(n => !homed.ContainsKey(n)).ToList();
            if (strangers.Count > 0)
            {
                throw ApiProblemException.InvalidRequest($"not local-commit namespaces homed in {request.Region}: {string.Join(", ", strangers)}");
            }

            return [.. asked.Distinct(StringComparer.Ordinal).Select(n => homed[n])];
        }

        return homed.Count > 0
            ? [.. homed.Values]
            : throw ApiProblemException.InvalidRequest($"no local-commit namespace is homed in {request.Region}: there is nothing to move");
    }

    /// <summary>
    /// A region loss must leave the strong-global groups (the catalog's among them) a majority of
    /// their voters among the regions that are still reachable, or nothing could be promoted.
    /// </summary>
    private async Task RequireStrongGlobalMajorityWithoutAsync(string lost, CancellationToken cancellationToken)
    {
        var votersPerRegion = Options.Peers.Append(new PeerEndpoint(Options.Region, Options.NodeName, new Uri("http://self")))
            .GroupBy(p => p.Region)
            .ToDictionary(g => g.Key, g => Math.Min(g.Select(p => p.Node).Distinct(StringComparer.Ordinal).Count(), Options.GlobalVotersPerRegion ?? int.MaxValue));
        var total = votersPerRegion.Values.Sum();
        var reachable = new List<string> { Options.Region };
        foreach (var other in Options.OtherRegions.Where(r => r != lost))
        {
            // Asked again now rather than judged by a periodic ping a busy machine may have missed.
            if (await peers.ReachableNowAsync(other, attempts: 3, cancellationToken))
            {
                reachable.Add(other);
            }
        }

        var left = reachable.Sum(r => votersPerRegion.GetValueOrDefault(r));
        if (left * 2 <= total)
        {
            throw ApiProblemException.InvalidRequest(
                $"taking {lost} away would leave the strong-global groups (the catalog's and the strong-global namespaces') {left} of {total} voters " +
                $"(reachable without it: {(reachable.Count > 0 ? string.Join(", ", reachable) : "none")}); they need {total / 2 + 1}: nothing could be promoted and strong-global writes would stop");
        }
    }

    private async Task RunAsync(DrillReport report, DrillRequest request, IReadOnlyList<CatalogEntry> namespaces, string token)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var self = new UriBuilder("http", endpoints.Address?.ToString() ?? "127.0.0.1", endpoints.HttpPort).Uri;
        var probes = namespaces.ToDictionary(e => e.Name, e => new ProbeWriter(self, token, e.Name, report.Id), StringComparer.Ordinal);
        string? failure = null;
        try
        {
            await report.PhaseAsync("probe", async () =>
            {
                await Task.Delay(Settle, deadline.Token);
                return (0, $"a probe writes to {string.Join(", ", probes.Keys)} every {ProbeWriter.Interval.TotalMilliseconds:0} ms through {Options.Region}/{Options.NodeName}");
            });
            if (request.Kind == DrillRequest.Switchover)
            {
                await SwitchoverAsync(report, request.Target!, namespaces, probes, deadline.Token);
            }
            else
            {
                await RegionLossAsync(report, request.Region, namespaces, probes, deadline.Token);
            }
        }
        catch (Exception failed) when (failed is ApiProblemException or InvalidOperationException or TimeoutException or HttpRequestException or OperationCanceledException)
        {
            failure = failed.Message;
            LogFailed(logger, report.Id, failed.Message);
        }
        finally
        {
            foreach (var probe in probes.Values)
            {
                await probe.StopAsync();
            }

            report.Finish(failure);
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await SaveAsync(report, bounded.Token);
            await CleanUpAsync(probes, bounded.Token);
            foreach (var probe in probes.Values)
            {
                await probe.DisposeAsync();
            }

            var view = report.View();
            LogFinished(logger, report.Id, view.State, view.Verdict ?? "none");
        }
    }

    /// <summary>
    /// Stores the report as it is now in the catalog (best effort: the node running the drill shows
    /// it either way). One save at a time, each of the newest view, so an older one never lands last.
    /// </summary>
    private async Task SaveAsync(DrillReport report, CancellationToken cancellationToken)
    {
        try
        {
            await saving.WaitAsync(cancellationToken);
            try
            {
                await router.ProposeAsync(catalog.Group, new PutDrillReportCommand(report.Id, report.View().Encode()), cancellationToken);
            }
            finally
            {
                saving.Release();
            }
        }
        catch (Exception failed) when (failed is ApiProblemException or OperationCanceledException or TimeoutException)
        {
            LogNotSaved(logger, report.Id, failed.Message);
        }
    }

    /// <summary>Deletes the probe's surviving keys (best effort, in transactions of at most 128 deletes).</summary>
    private static async Task CleanUpAsync(Dictionary<string, ProbeWriter> probes, CancellationToken cancellationToken)
    {
        foreach (var (ns, probe) in probes)
        {
            foreach (var batch in probe.Accepted.Chunk(128))
            {
                var body = new { compare = Array.Empty<object>(), success = batch.Select(w => new { delete = new { key = w.Key } }), failure = Array.Empty<object>() };
                try
                {
                    using var answer = await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(probe.Http, $"/v1/ns/{ns}/txn", body, cancellationToken);
                }
                catch (Exception failed) when (failed is HttpRequestException or OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "drill {Id} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string id, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "drill {Id} finished: {State}, verdict {Verdict}")]
    private static partial void LogFinished(ILogger logger, string id, string state, string verdict);

    [LoggerMessage(Level = LogLevel.Information, Message = "drill {Id}: the report was not stored in the catalog: {Reason}")]
    private static partial void LogNotSaved(ILogger logger, string id, string reason);
}
