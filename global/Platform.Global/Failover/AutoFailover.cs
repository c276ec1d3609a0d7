using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Global.Transport;
using Platform.Regional.Api.Problems;
using Platform.Regional.Hosting;
using Platform.Regional.Namespaces;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;

namespace Platform.Global.Failover;

/// <summary>
/// Promotes, without an operator, the <c>local-commit</c> namespaces with <c>autoFailover</c> whose
/// home region has been unreachable for <see cref="InterRegionOptions.AutoFailoverAfter"/>, by the
/// same promotion a region-loss drill runs. Only the node leading the catalog's group acts (the
/// promotion's compare-and-swaps make a second one harmless), and only on what it sees itself: a
/// region it cannot reach while the catalog's majority can is lost as far as the namespace goes.
/// </summary>
public sealed partial class AutoFailover(
    Promotion promotion, NamespaceCatalog catalog, IRegionView regions, InterRegionOptions options, TimeProvider time, ILogger<AutoFailover> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, TimeSpan> unreachableSince = new(StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>Checks every second until <paramref name="stoppingToken"/>.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await CheckAsync(stoppingToken);
                }
                catch (Exception failed) when (failed is InvalidOperationException or NodeNotReadyException or ApiProblemException)
                {
                    LogCheckFailed(logger, failed.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task CheckAsync(CancellationToken stoppingToken)
    {
        var now = time.Monotonic();
        foreach (var region in regions.Regions.Where(r => r.Name != options.Region))
        {
            if (region.Reachable)
            {
                unreachableSince.Remove(region.Name);
            }
            else
            {
                unreachableSince.TryAdd(region.Name, now);
            }
        }

        if (catalog.Replica.LeaderAndTerm.Leader != $"{options.Region}/{options.NodeName}" || catalog.Replica.SinceFresh > NamespaceCatalog.MaxStaleness)
        {
            return;
        }

        var lost = unreachableSince.Where(u => now - u.Value >= options.AutoFailoverAfter).Select(u => u.Key).ToHashSet(StringComparer.Ordinal);
        if (lost.Count == 0)
        {
            return;
        }

        var due = catalog.Replica.Read(m => m.Catalog.Entries
            .Where(e => e.Mode == NamespaceMode.LocalCommit && e.Settings.AutoFailover && e.MovingTo is null && e.HomeRegion is { } home && lost.Contains(home))
            .ToList());
        foreach (var entry in due)
        {
            LogPromoting(logger, entry.Name, entry.HomeRegion!, (now - unreachableSince[entry.HomeRegion!]).TotalSeconds);
            try
            {
                var result = await promotion.PromoteAsync(entry, stoppingToken);
                LogPromoted(logger, entry.Name, result.NewHome, result.NewEpoch, result.ForkRevision);
            }
            catch (ApiProblemException failed)
            {
                LogNotPromoted(logger, entry.Name, failed.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "auto-failover: '{Namespace}' homed in {Region}, unreachable for {Seconds:0.#} s: promoting it elsewhere")]
    private static partial void LogPromoting(ILogger logger, string @namespace, string region, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "auto-failover: '{Namespace}' is homed in {Region} in epoch {Epoch} (fork point {Fork})")]
    private static partial void LogPromoted(ILogger logger, string @namespace, string region, long epoch, long fork);

    [LoggerMessage(Level = LogLevel.Warning, Message = "auto-failover: '{Namespace}' was not promoted: {Reason}")]
    private static partial void LogNotPromoted(ILogger logger, string @namespace, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "auto-failover check failed: {Reason}")]
    private static partial void LogCheckFailed(ILogger logger, string reason);
}
