using Platform.Regional.Catalog;

namespace Platform.Regional.Routing;

/// <summary>How far one region's copy of a namespace is behind its home, as the home sees it.</summary>
public sealed record RegionLag(string Region, long AppliedRevision, long LagRevisions, double LagSeconds, bool RpoBreached);

/// <summary>
/// What the global layer adds to the write and read paths of <c>local-commit</c> namespaces
/// (declared here, implemented there; a region on its own has none): the home's lease, checked
/// before a write is proposed and again after it committed; the RPO policy; the lag of each
/// region's copy; and how far compaction may go.
/// </summary>
public interface IReplicationGuard
{
    /// <summary>
    /// Before a client write of a namespace homed here is proposed: waits for a valid home lease
    /// (else 503 QuorumUnavailable, nothing proposed) and applies the RPO policy (a delay, or 503
    /// RpoExceeded).
    /// </summary>
    Task BeforeWriteAsync(CatalogEntry entry, CancellationToken cancellationToken);

    /// <summary>After the write committed, before it is acknowledged: 503 OutcomeUnknown unless the home's lease still covers the entry's epoch.</summary>
    void AfterCommit(CatalogEntry entry);

    /// <summary>Before a linearizable read of a namespace homed here is answered: waits for the home's lease to cover the entry's epoch, else 503 QuorumUnavailable (another region may be the home by now).</summary>
    Task BeforeLinearizableReadAsync(CatalogEntry entry, CancellationToken cancellationToken);

    /// <summary>Every other region's copy of a namespace homed here, with its lag; empty elsewhere.</summary>
    IReadOnlyList<RegionLag> Lags(CatalogEntry entry);

    /// <summary>How far behind its home this region's copy is (milliseconds), for <c>X-Config-Lag-Ms</c>; null when unknown.</summary>
    long? CopyLagMs(string ns);

    /// <summary>The highest revision compaction of a namespace homed here may reach: the most advanced region's watermark.</summary>
    long? CompactionCeiling(CatalogEntry entry);
}

/// <summary>Moves a <c>local-commit</c> namespace's home (declared here, implemented by the global layer).</summary>
public interface INamespaceMover
{
    /// <summary>
    /// The switchover of docs/architecture.md (Switchover), run from the current home: revoke, freeze
    /// (without waiting out the lease), drain the target to the freeze point, compare-and-swap the
    /// home in the catalog, and return the new entry once the target serves; aborted (and the old
    /// home unfrozen) past the deadline. No acknowledged write is lost.
    /// </summary>
    Task<CatalogEntry> SwitchoverAsync(CatalogEntry entry, string target, CancellationToken cancellationToken);

    /// <summary>
    /// A change between <c>local-commit</c> and <c>strong-global</c>, run where the namespace's data
    /// leaves a home (to strong-global) or gets one (to local-commit): the state at the freeze point
    /// is copied into the target group, the catalog swaps mode, settings and group in the next epoch,
    /// and the copy is promoted. No acknowledged write is lost.
    /// </summary>
    Task<CatalogEntry> ChangeModeAsync(CatalogEntry entry, Namespaces.NamespaceSettings settings, CancellationToken cancellationToken);
}
