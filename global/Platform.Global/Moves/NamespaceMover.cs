using Microsoft.Extensions.Logging;
using Platform.Global.Replication;
using Platform.Global.Transport;
using Platform.Regional.Api.Problems;
using Platform.Regional.Catalog;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;
using Platform.Regional.StateMachine;

namespace Platform.Global.Moves;

/// <summary>
/// The switchover of docs/architecture.md (Switchover), run at the current home A for a move to B:
/// <list type="number">
/// <item>commit <c>revoke(X, A, e)</c> with the move's record in the catalog (renewals stop covering X);</item>
/// <item>commit the freeze <c>fence(X, e)</c> in A's group at once: its revision r_f is the drain target.
/// Unlike a promotion, a switchover does not wait out A's lease: A cooperates, and the freeze orders
/// every write of epoch e in A's group (committed before it, so drained to B, or refused at apply),
/// while a linearizable read at A that finds the freeze applied after its barrier is refused, so no
/// read at A misses a write B acknowledged. The write pause is then the drain and the swap, not L;</item>
/// <item>wait until B reports it applied r_f, then compare-and-swap X to (B, e + 1) in the catalog;</item>
/// <item>B's replicator promotes its copy and B takes writes once a lease renewal covers (X, e + 1);
/// A's demotes its data to a copy and pulls from B.</item>
/// </list>
/// Past the deadline the catalog records the abort first, and only then is A unfrozen.
/// </summary>
public sealed partial class NamespaceMover(
    GroupRouter router, CatalogSteps steps, ReplicationBoard board, InterRegionOptions options, TimeProvider time, ILogger<NamespaceMover> logger)
    : INamespaceMover
{
    /// <summary>How long the drain to the freeze point may take before the switchover is aborted.</summary>
    public static readonly TimeSpan DrainDeadline = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    public async Task<CatalogEntry> SwitchoverAsync(CatalogEntry entry, string target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!options.OtherRegions.Contains(target))
        {
            throw ApiProblemException.InvalidRequest($"'{target}' is not another region of this deployment");
        }

        var ns = entry.Name;
        var moving = await BeginAsync(entry, target, cancellationToken);
        LogRevoked(logger, ns, options.Region, entry.Epoch, target);
        try
        {
            var freeze = await router.ProposeAsync(entry.Group, new FenceNamespaceCommand(ns, entry.Epoch, moving.Version), cancellationToken);
            var drainTo = freeze.Write?.Revision ?? throw new InvalidOperationException(freeze.Problem ?? "the freeze reported no revision");
            LogFrozen(logger, ns, drainTo, target);
            var deadline = time.Monotonic() + DrainDeadline;
            while ((board.Find(ns, target)?.Progress.AppliedRevision ?? -1) < drainTo)
            {
                if (time.Monotonic() > deadline)
                {
                    throw new TimeoutException($"{target} did not apply revision {drainTo} within {DrainDeadline.TotalSeconds:0} s");
                }

                await Task.Delay(Poll, time, cancellationToken);
            }

            var moved = await steps.SettleAsync(ns, e => e.Epoch > entry.Epoch && e.HomeRegion == target, e =>
                e.Epoch == entry.Epoch && e.MovingTo == target && e.Version == moving.Version
                    ? new EndMoveCommand(ns, target, null, e.Version)
                    : throw new InvalidOperationException($"'{ns}' changed during its switchover (epoch {e.Epoch}, moving to {e.MovingTo ?? "nowhere"})"), cancellationToken);
            LogMoved(logger, ns, target, moved.Epoch);
            await WaitServedAsync(ns, moved.Epoch, cancellationToken);
            return moved;
        }
        catch (Exception failed) when (failed is TimeoutException or InvalidOperationException or HttpRequestException or ApiProblemException)
        {
            await AbortAsync(ns, entry, failed.Message);
            throw ApiProblemException.NotCaughtUp($"the switchover of '{ns}' to {target} was aborted ({failed.Message}); the namespace stays in {options.Region}");
        }
    }

    /// <summary>
    /// The move's record (the revoke), settled through lost answers; refused (400) when the entry
    /// is no longer as the caller saw it or another move is under way.
    /// </summary>
    private async Task<CatalogEntry> BeginAsync(CatalogEntry entry, string movingTo, CancellationToken cancellationToken)
    {
        try
        {
            return await steps.SettleAsync(entry.Name, e => e.Epoch == entry.Epoch && e.MovingTo == movingTo && e.Version != entry.Version, e =>
                e.Epoch == entry.Epoch && e.MovingTo is null && e.HomeRegion == entry.HomeRegion && e.Mode == entry.Mode
                    ? new BeginMoveCommand(entry.Name, movingTo, e.Version)
                    : throw new InvalidOperationException($"namespace '{entry.Name}' cannot move now (epoch {e.Epoch}, moving to {e.MovingTo ?? "nowhere"})"), cancellationToken);
        }
        catch (Exception refused) when (refused is InvalidOperationException or TimeoutException)
        {
            throw ApiProblemException.InvalidRequest(refused.Message);
        }
    }

    /// <summary>
    /// The abort: the catalog ends the move without a new home (renewals cover the namespace here
    /// again), then the freeze is lifted. Best effort: a record left behind is aborted by the
    /// replicators once stale, and a freeze whose move ended is lifted by the catalog rules.
    /// </summary>
    private async Task AbortAsync(string ns, CatalogEntry before, string reason)
    {
        using var bounded = time.Within(TimeSpan.FromSeconds(30), CancellationToken.None);
        try
        {
            var settled = await steps.SettleAsync(ns, e => e.Epoch != before.Epoch || e.MovingTo is null, e => new EndMoveCommand(ns, null, null, e.Version), bounded.Token);
            if (settled.Epoch == before.Epoch)
            {
                // Aborted (not moved after all, by an answer that was lost): the old home takes writes again.
                await router.ProposeAsync(before.Group, new UnfenceNamespaceCommand(ns, before.Epoch), bounded.Token);
            }
        }
        catch (Exception unsettled) when (unsettled is ApiProblemException or InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            LogAborted(logger, ns, $"the abort was not completed ({unsettled.Message}); the replicators finish it");
        }

        LogAborted(logger, ns, reason);
    }

    /// <summary>Best effort: waits (up to 10 s) until this region's copy reads the new home's feed, which the new home serves only once promoted.</summary>
    private async Task WaitServedAsync(string ns, long epoch, CancellationToken cancellationToken)
    {
        var until = time.Monotonic() + TimeSpan.FromSeconds(10);
        while (time.Monotonic() < until && (board.Find(ns, options.Region)?.Progress.FeedEpoch ?? -1) < epoch)
        {
            await Task.Delay(Poll, time, cancellationToken);
        }
    }


    [LoggerMessage(Level = LogLevel.Information, Message = "switchover of '{Namespace}': revoked {Region}'s lease (epoch {Epoch}) for a move to {Target}")]
    private static partial void LogRevoked(ILogger logger, string @namespace, string region, long epoch, string target);

    [LoggerMessage(Level = LogLevel.Information, Message = "switchover of '{Namespace}': frozen at revision {Revision}; draining {Target}")]
    private static partial void LogFrozen(ILogger logger, string @namespace, long revision, string target);

    [LoggerMessage(Level = LogLevel.Information, Message = "switchover of '{Namespace}': moved to {Target} in epoch {Epoch}")]
    private static partial void LogMoved(ILogger logger, string @namespace, string target, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "switchover of '{Namespace}' aborted: {Reason}")]
    private static partial void LogAborted(ILogger logger, string @namespace, string reason);
}
