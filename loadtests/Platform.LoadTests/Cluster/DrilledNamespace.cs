using System.Diagnostics;
using Platform.Client;
using Platform.Client.Models;

namespace Platform.LoadTests.Cluster;

/// <summary>
/// The namespace the drills move, through the HTTP API only: created (tried again until the catalog
/// takes it, as the groups of a fresh `platform up` may still be electing), given a caught-up copy in
/// every other region before the first drill, and its home read before each drill.
/// </summary>
public static class DrilledNamespace
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CreateBound = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan CopyBound = TimeSpan.FromMinutes(1);

    // A drill ends once the catalog has recorded the move; a node's catalog replica may show it a moment later.
    private static readonly TimeSpan HomeBound = TimeSpan.FromSeconds(30);

    /// <summary><c>PUT /v1/namespaces/{ns}</c> until it is answered 2xx, within two minutes.</summary>
    public static async Task CreateAsync(PlatformClient home, string ns, NamespaceSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(home);
        await RetryAsync($"create namespace {ns}", CreateBound, async () =>
        {
            await home.PutNamespaceAsync(ns, spec, cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Writes one key at the home and waits until node-1 of every other region answers a read at that
    /// revision from its own copy. Before that, a region has no copy to promote or to switch over to,
    /// and the first drill would measure the copy's creation rather than the move.
    /// </summary>
    public static async Task WaitCopiesAsync(PlatformClient home, IReadOnlyDictionary<string, PlatformClient> others, string ns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(others);
        var revision = 0L;
        await RetryAsync($"write to {ns} at its home", CreateBound, async () =>
        {
            revision = (await home.PutAsync(ns, "ready", "ready"u8.ToArray(), cancellationToken: cancellationToken)).Revision;
            return true;
        }, cancellationToken);
        foreach (var (region, client) in others)
        {
            await RetryAsync($"read {ns} at revision {revision} from {region}'s own copy", CopyBound, async () =>
            {
                var read = await client.GetAsync(ns, "ready", ReadConsistency.Serializable, minRevision: revision, cancellationToken: cancellationToken);
                return read.Metadata.Region == region;
            }, cancellationToken);
        }
    }

    /// <summary>
    /// The namespace as <paramref name="observer"/>'s catalog shows it once its home is
    /// <paramref name="expected"/> (any home but it when <paramref name="away"/>); throws when it is
    /// not within 30 s, as the next drill would then not be the one the round means.
    /// </summary>
    public static async Task<NamespaceInfo> WaitHomeAsync(PlatformClient observer, string ns, string expected, bool away, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observer);
        NamespaceInfo? seen = null;
        string? unread = null;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                seen = await observer.GetNamespaceAsync(ns, cancellationToken);
                if (seen.HomeRegion is { } home && (home == expected) != away)
                {
                    return seen;
                }
            }
            catch (Exception problem) when (problem is HttpRequestException or PlatformProblemException)
            {
                unread = problem.Message;
            }

            if (waited.Elapsed > HomeBound)
            {
                throw new InvalidOperationException(seen is null
                    ? $"namespace {ns} could not be read at {observer.Endpoint} for {HomeBound.TotalSeconds:0} s: {unread}"
                    : $"namespace {ns} was still homed in {seen.HomeRegion ?? "no region"} (epoch {seen.Epoch}) after {HomeBound.TotalSeconds:0} s of waiting for {(away ? "a home other than " : "its home to be ")}{expected}");
            }

            await Task.Delay(RetryInterval, cancellationToken);
        }
    }

    /// <summary>Runs <paramref name="attempt"/> every 500 ms until it returns true; a refusal or a failed connection counts as false.</summary>
    private static async Task RetryAsync(string what, TimeSpan bound, Func<Task<bool>> attempt, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        string? last = null;
        while (true)
        {
            try
            {
                if (await attempt())
                {
                    return;
                }

                last = "not yet";
            }
            catch (Exception problem) when (problem is HttpRequestException or PlatformProblemException)
            {
                last = problem.Message;
            }

            if (waited.Elapsed > bound)
            {
                throw new TimeoutException($"could not {what} within {bound.TotalSeconds:0} s (last: {last})");
            }

            await Task.Delay(RetryInterval, cancellationToken);
        }
    }
}
