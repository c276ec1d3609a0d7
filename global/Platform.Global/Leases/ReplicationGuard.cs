using Platform.Global.Replication;
using Platform.Global.Transport;
using Platform.Regional.Api.Problems;
using Platform.Regional.Catalog;
using Platform.Regional.Hosting;
using Platform.Regional.Namespaces;
using Platform.Regional.Routing;

namespace Platform.Global.Leases;

/// <summary>
/// The global layer's part in the write and read paths of <c>local-commit</c> namespaces: the home
/// lease before and after a write, the RPO policy, every region's lag as the home computes it
/// (now minus the home's commit time of the oldest change a region has not applied), the lag of
/// this region's own copies, and the compaction ceiling.
/// </summary>
public sealed class ReplicationGuard(
    HomeLeaseKeeper leases, ReplicationBoard board, GroupRouter router, InterRegionOptions options, NodeOptions node, ReplicationMetrics metrics, TimeProvider clock)
    : IReplicationGuard
{
    public async Task BeforeWriteAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!await leases.WaitCoveredAsync(entry.Name, entry.Epoch, node.RequestTimeout, cancellationToken))
        {
            throw ApiProblemException.QuorumUnavailable(
                $"region {options.Region} holds no home lease for namespace '{entry.Name}' in epoch {entry.Epoch} (the catalog's majority is out of reach, or the namespace is moving)");
        }

        var decision = RpoGate.Decide(entry.Settings, BestLag(entry));
        if (decision.Rejected)
        {
            throw ApiProblemException.RpoExceeded(
                $"every other region's copy of '{entry.Name}' lags more than its RPO of {NamespaceText.Duration(entry.Settings.Rpo)}", decision.RetryAfter!.Value);
        }

        if (decision.Delay > TimeSpan.Zero)
        {
            await Task.Delay(decision.Delay, clock, cancellationToken);
        }
    }

    public void AfterCommit(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!leases.Lease.Covers(entry.Name, entry.Epoch, Regional.Replicas.NodeTime.Monotonic(clock)))
        {
            throw ApiProblemException.OutcomeUnknown(
                $"the write committed in {options.Region}, but the region's home lease for '{entry.Name}' ran out before it could be acknowledged (another region may have taken the namespace over)");
        }
    }

    public async Task BeforeLinearizableReadAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.HomeRegion == options.Region && !await leases.WaitCoveredAsync(entry.Name, entry.Epoch, node.RequestTimeout, cancellationToken))
        {
            throw ApiProblemException.QuorumUnavailable(
                $"region {options.Region} holds no home lease for namespace '{entry.Name}' in epoch {entry.Epoch}: its newest state may be elsewhere");
        }
    }

    public IReadOnlyList<RegionLag> Lags(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Mode != NamespaceMode.LocalCommit || entry.HomeRegion != options.Region)
        {
            return [];
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        // At the home the data lives in the group the catalog names.
        return router.Local(entry.Group).Read(m =>
        {
            if (m.State(entry.Name) is not { IsCopy: false } state)
            {
                return (IReadOnlyList<RegionLag>)[];
            }

            var store = state.Store;
            return [.. options.OtherRegions.Select(region =>
            {
                var applied = board.Find(entry.Name, region)?.Progress.AppliedRevision ?? 0;
                var behind = applied >= store.Revision ? 0 : store.RevisionsAfter(applied);
                var lag = store.CommittedAtAfter(applied) is { } oldest && applied < store.Revision ? Math.Max(0, now - oldest) / 1000.0 : 0;
                return new RegionLag(region, applied, behind, lag, lag > entry.Settings.Rpo.TotalSeconds);
            })];
        });
    }

    public long? CopyLagMs(string ns)
    {
        if (board.Find(ns, options.Region) is not { } report)
        {
            return null;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var lag = report.Progress.OldestPendingCommittedAtMs is { } oldest ? Math.Max(0, now - oldest) : 0;

        // A replicator that stopped reporting may be missing anything since its last report.
        var silent = report.Age - (ReplicationBoard.ReportEvery * 5);
        return silent > TimeSpan.Zero ? lag + (long)report.Age.TotalMilliseconds : lag;
    }

    public long? CompactionCeiling(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Mode != NamespaceMode.LocalCommit || options.OtherRegions.Count == 0)
        {
            return null;
        }

        return options.OtherRegions.Select(r => board.Find(entry.Name, r)?.Progress.AppliedRevision ?? 0).Max();
    }

    /// <summary>The lag of the most up-to-date other region (the one a promotion would pick), null with no other region.</summary>
    private TimeSpan? BestLag(CatalogEntry entry)
    {
        var lags = Lags(entry);
        if (lags.Count == 0)
        {
            return null;
        }

        var best = TimeSpan.FromSeconds(lags.Min(l => l.LagSeconds));
        metrics.NoteBreach(entry.Name, best > entry.Settings.Rpo);
        return best;
    }
}
