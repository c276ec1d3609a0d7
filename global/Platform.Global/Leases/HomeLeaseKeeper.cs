using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Consensus;
using Platform.Global.Transport;
using Platform.Regional.Namespaces;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;

namespace Platform.Global.Leases;

/// <summary>
/// Keeps this node's copy of its region's home lease: every <c>L / 3</c> (and whenever a write finds
/// it lapsed) it notes the time, reads the catalog linearizably (through the catalog's leader, so
/// the answer reflects every revoke committed before the read), and renews the lease for the
/// <c>local-commit</c> namespaces the catalog homes in this region, each in its current epoch,
/// except those being moved away (their lease was revoked).
/// </summary>
public sealed partial class HomeLeaseKeeper(GroupRouter router, NamespaceCatalog catalog, InterRegionOptions options, TimeProvider time, ILogger<HomeLeaseKeeper> logger) : BackgroundService
{
    /// <summary>Completed when a write found the lease lapsed and wants a renewal now.</summary>
    private TaskCompletionSource renewNow = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource renewed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HomeLease Lease { get; } = new(DurationFor(options), new RaftOptions { Id = 1 }.ClockRateErrorBound);

    /// <summary>
    /// <c>L = 3 * (catalog election timeout + RTT)</c>: the longest election timeout of the catalog
    /// group (twice its minimum, as elections randomise in between) and the slowest round trip
    /// between any two regions of the deployment, so a lease outlives an election of the catalog's
    /// leader with room to renew. One value for the whole deployment: a promoter waits out its own
    /// <c>L * (1 + rho)</c>, which must never be shorter than the <c>L * (1 - rho)</c> the lost home
    /// trusts, so no region may derive a longer <c>L</c> from its own, slower, links.
    /// </summary>
    public static TimeSpan DurationFor(InterRegionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return 3 * ((2 * new RaftOptions { Id = 1 }.MinElectionTimeout) + options.LargestRoundTrip);
    }

    /// <summary>
    /// Whether the lease covers the namespace in that epoch now; if not, renews and waits up to
    /// <paramref name="wait"/>. No wait when the catalog shows that no renewal will cover it (the
    /// namespace is moving, or homed elsewhere or in another epoch now): the caller is refused at
    /// once and its retry finds the new home.
    /// </summary>
    public async Task<bool> WaitCoveredAsync(string ns, long epoch, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = time.Monotonic() + wait;
        while (!Lease.Covers(ns, epoch, time.Monotonic()))
        {
            if (catalog.Find(ns) is { } entry && (entry.MovingTo is not null || entry.Epoch != epoch || entry.HomeRegion != options.Region))
            {
                return false;
            }

            var left = deadline - time.Monotonic();
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            var next = renewed.Task;
            Volatile.Read(ref renewNow).TrySetResult();
            if (!await TimedWait.CompletesWithinAsync(next, left, time, cancellationToken))
            {
                return Lease.Covers(ns, epoch, time.Monotonic());
            }
        }

        return true;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>Renews every <c>L / 3</c>, and at once when a write asks, until <paramref name="stoppingToken"/>.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var every = Lease.Duration / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            // A request made from here on is served by the renewal that follows.
            Interlocked.Exchange(ref renewNow, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            await RenewAsync(every, stoppingToken);
            try
            {
                await TimedWait.CompletesWithinAsync(Volatile.Read(ref renewNow).Task, every, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RenewAsync(TimeSpan timeout, CancellationToken stoppingToken)
    {
        var sentAt = time.Monotonic();
        try
        {
            using var bounded = time.Within(timeout, stoppingToken);
            await router.LinearizableBarrierAsync(catalog.Group, bounded.Token);
            var pairs = catalog.Replica.Read(m => m.Catalog.Entries
                .Where(e => e.Mode == NamespaceMode.LocalCommit && e.HomeRegion == options.Region && e.MovingTo is null)
                .Select(e => (e.Name, e.Epoch))
                .ToList());
            Lease.Renewed(sentAt, pairs);
        }
        catch (Exception failed) when (failed is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Cut off from the catalog's majority: the lease runs out, and writes of this region's
            // namespaces stop being acknowledged when it does.
            LogRenewalFailed(logger, failed.Message);
        }
        finally
        {
            Interlocked.Exchange(ref renewed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "home lease renewal failed: {Reason}")]
    private static partial void LogRenewalFailed(ILogger logger, string reason);
}
