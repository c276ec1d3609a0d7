using Microsoft.Extensions.Logging;
using Platform.Global.Leases;
using Platform.Global.Moves;
using Platform.Global.Transport;
using Platform.Regional.Api.Problems;
using Platform.Regional.Catalog;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;
using Platform.Regional.StateMachine;

namespace Platform.Global.Failover;

/// <summary>What an unplanned promotion did: the new home, the epochs, the fork point, and when (on this node's boot clock) it revoked and moved the namespace.</summary>
public sealed record PromotionResult(string Namespace, string OldHome, string NewHome, long OldEpoch, long NewEpoch, long ForkRevision,
    IReadOnlyDictionary<string, long> Candidates, TimeSpan RevokedAt, TimeSpan MovedAt);

/// <summary>
/// The unplanned promotion of docs/architecture.md (Unplanned promotion), run from a region other than the lost home A:
/// <list type="number">
/// <item>commit <c>revoke(X, A, e)</c> in the catalog (A's lease renewals stop covering X) and wait
/// <c>L * (1 + rho)</c> on this node's clock, so A acknowledges nothing more in epoch e;</item>
/// <item>every reachable region commits <c>stop(X, e)</c> in its own group and reports its last revision;</item>
/// <item>the most advanced is promoted: the catalog's compare-and-swap homes X there in epoch e + 1
/// and records its revision as epoch e's fork point (a candidate counts only up to a fork point
/// already recorded below its revision);</item>
/// <item>the new home's replicator promotes its copy, the others truncate past the fork (moving
/// what they drop to the divergent-writes archive), lift the stop and follow the new home; A does
/// the same whenever it comes back.</item>
/// </list>
/// Before the compare-and-swap a failure aborts the move (the catalog records it; the stops are
/// lifted by the replicators).
/// </summary>
public sealed partial class Promotion(
    GroupRouter router, NamespaceCatalog catalog, CatalogSteps steps, NamespaceAccess namespaces, HomeLeaseKeeper leases, IInterRegionTransport client,
    TimeProvider time, ILogger<Promotion> logger)
{
    private InterRegionOptions Options => client.Options;

    public async Task<PromotionResult> PromoteAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var ns = entry.Name;
        var lost = entry.HomeRegion ?? throw ApiProblemException.InvalidRequest($"namespace '{ns}' is strong-global: it has no home to lose");
        if (lost == Options.Region)
        {
            throw ApiProblemException.InvalidRequest($"a promotion of '{ns}' runs outside its home {lost}");
        }

        CatalogEntry moving;
        try
        {
            // Only a promotion's own record counts as done: a switchover to this region records the
            // same target, and taking it over would cut writes its live old home acknowledged.
            moving = await steps.SettleAsync(ns, e => e.Epoch == entry.Epoch && e.MovingTo == Options.Region && e.MovingBy == MoveKind.Promotion, e =>
                e.Epoch == entry.Epoch && e.MovingTo is null && e.HomeRegion == lost
                    ? new BeginMoveCommand(ns, Options.Region, e.Version, MoveKind.Promotion)
                    : throw new InvalidOperationException($"'{ns}' moved meanwhile (epoch {e.Epoch}, home {e.HomeRegion}, moving to {e.MovingTo ?? "nowhere"})"), cancellationToken);
        }
        catch (Exception failed) when (failed is InvalidOperationException or TimeoutException)
        {
            throw ApiProblemException.InvalidRequest($"cannot revoke {lost}'s lease on '{ns}': {failed.Message}");
        }

        var revokedAt = time.Monotonic();
        LogRevoked(logger, ns, lost, entry.Epoch);
        try
        {
            await WaitUntilAsync(revokedAt + leases.Lease.RevokeWait, cancellationToken);
            var candidates = await StopEverywhereAsync(ns, entry.Epoch, moving.Version, lost, cancellationToken);
            var counted = candidates
                .Where(c => c.Value >= 0)
                .Select(c => (Region: c.Key, Revision: moving.ForkBelow(c.Value) ?? c.Value))
                .OrderByDescending(c => c.Revision).ThenBy(c => c.Region == Options.Region ? 0 : 1).ThenBy(c => c.Region, StringComparer.Ordinal)
                .ToList();
            if (counted.Count == 0)
            {
                throw new InvalidOperationException($"no reachable region holds a copy of '{ns}'");
            }

            var (best, fork) = counted[0];
            var moved = await steps.SettleAsync(ns, e => e.Epoch > entry.Epoch && e.HomeRegion == best, e =>
                e.Epoch == entry.Epoch && e.MovingTo == Options.Region && e.Version == moving.Version
                    ? new EndMoveCommand(ns, best, fork, e.Version)
                    : throw new InvalidOperationException($"'{ns}' changed while it was being promoted (epoch {e.Epoch}, version {e.Version})"), cancellationToken);
            LogPromoted(logger, ns, best, moved.Epoch, fork, string.Join(", ", candidates.Select(c => $"{c.Key}={c.Value}")));
            return new PromotionResult(ns, lost, best, entry.Epoch, moved.Epoch, fork, candidates, revokedAt, time.Monotonic());
        }
        catch (Exception failed) when (failed is InvalidOperationException or TimeoutException or HttpRequestException or ApiProblemException)
        {
            using var bounded = time.Within(TimeSpan.FromSeconds(30), CancellationToken.None);
            try
            {
                if (catalog.Find(ns) is { MovingTo: not null } current && current.Epoch == entry.Epoch)
                {
                    await router.ProposeAsync(catalog.Group, new EndMoveCommand(ns, null, null, current.Version), bounded.Token);
                }
            }
            catch (Exception unsettled) when (unsettled is ApiProblemException or OperationCanceledException)
            {
                // The record stays; the replicators abort it once it is stale (StaleMoves).
                LogAborted(logger, ns, $"the abort was not recorded: {unsettled.Message}");
            }

            LogAborted(logger, ns, failed.Message);
            throw ApiProblemException.NotCaughtUp($"the promotion of '{ns}' was aborted ({failed.Message}); {lost} stays its home");
        }
    }

    /// <summary>Asks every region but the lost one (this one directly) to stop epoch <paramref name="epoch"/>; the answers of those reached.</summary>
    private async Task<IReadOnlyDictionary<string, long>> StopEverywhereAsync(string ns, long epoch, long moveVersion, string lost, CancellationToken cancellationToken)
    {
        var answers = new Dictionary<string, long>(StringComparer.Ordinal);
        var group = namespaces.RegionalGroupOf(ns);
        var own = await router.ProposeAsync(group, new FenceNamespaceCommand(ns, epoch, moveVersion), cancellationToken);
        if (own.Write is { } noted)
        {
            await router.Local(group).WaitAppliedAsync(own.Index, router.Node.RequestTimeout, cancellationToken);
            answers[Options.Region] = noted.Revision;
        }

        var body = FailoverRoutes.Encode(new StopRequest(ns, epoch, moveVersion));
        var others = Options.Peers.Where(p => p.Region != Options.Region && p.Region != lost).GroupBy(p => p.Region).ToList();

        // A region that did not answer (a slow stop, a leader change there) is asked again before
        // the most advanced copy is chosen: passing over it could promote a copy behind the one it
        // holds and lose writes it had. The stop is idempotent (same epoch and move). A region that
        // stays silent for StopRounds rounds is left out, as one that is lost with the home.
        for (var round = 1; round <= StopRounds; round++)
        {
            var missing = others.Where(region => !Answered(answers, region.Key)).ToList();
            if (missing.Count == 0)
            {
                break;
            }

            if (round > 1)
            {
                await Task.Delay(StopRetryPause, time, cancellationToken);
            }

            await AskToStopAsync(missing, body, answers, cancellationToken);
        }

        return answers;
    }

    private const int StopRounds = 3;
    private static readonly TimeSpan OneMillisecond = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan StopRetryPause = TimeSpan.FromMilliseconds(250);

    private static bool Answered(Dictionary<string, long> answers, string region)
    {
        lock (answers)
        {
            return answers.TryGetValue(region, out var revision) && revision >= 0;
        }
    }

    /// <summary>Asks each region's nodes in turn to stop the namespace; the first that answers speaks for its region.</summary>
    private async Task AskToStopAsync(IReadOnlyList<IGrouping<string, PeerEndpoint>> regions, byte[] body, Dictionary<string, long> answers, CancellationToken cancellationToken)
    {
        await Task.WhenAll(regions.Select(async region =>
        {
            foreach (var peer in region)
            {
                try
                {
                    using var bounded = time.Within(router.Node.RequestTimeout, cancellationToken);
                    var (status, answer) = await client.PostAsync(peer, FailoverRoutes.StopPath, body, bounded.Token);
                    if (status == System.Net.HttpStatusCode.OK && FailoverRoutes.Decode<StopAnswer>(answer) is { } stopped)
                    {
                        lock (answers)
                        {
                            answers[region.Key] = stopped.Revision;
                        }

                        return;
                    }
                }
                catch (Exception unreachable) when ((unreachable is HttpRequestException or IOException || unreachable is OperationCanceledException) && !cancellationToken.IsCancellationRequested)
                {
                    // Try the region's next node; a region none of whose nodes answers is asked again next round.
                }
            }
        }));
    }

    private async Task WaitUntilAsync(TimeSpan until, CancellationToken cancellationToken)
    {
        var left = until - time.Monotonic();
        while (left > TimeSpan.Zero)
        {
            // Task.Delay counts whole milliseconds: less than one completes at once, and the loop
            // would spin through its last millisecond (for ever, in simulated time).
            await Task.Delay(left > OneMillisecond ? left : OneMillisecond, time, cancellationToken);
            left = until - time.Monotonic();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "promotion of '{Namespace}': revoked the lease of its home {Region} (epoch {Epoch})")]
    private static partial void LogRevoked(ILogger logger, string @namespace, string region, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "promotion of '{Namespace}': {Region} is its home in epoch {Epoch}, fork point {Fork} (stopped at: {Candidates})")]
    private static partial void LogPromoted(ILogger logger, string @namespace, string region, long epoch, long fork, string candidates);

    [LoggerMessage(Level = LogLevel.Warning, Message = "promotion of '{Namespace}' aborted: {Reason}")]
    private static partial void LogAborted(ILogger logger, string @namespace, string reason);
}
