using System.Collections.Concurrent;
using Platform.Regional.Replicas;

namespace Platform.Global.Replication;

/// <summary>
/// What this node knows of every region's copies: the last progress each replicator reported
/// (pushed to every node of the home region and of its own, so any of them can judge a write or
/// answer a read), with when it arrived on this node's monotonic clock.
/// </summary>
public sealed class ReplicationBoard(TimeProvider time)
{
    /// <summary>Replicators report this often; a report much older than this means the copy's replicator is not running.</summary>
    public static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<(string Namespace, string Region), (CopyProgress Progress, TimeSpan At)> reports = new();

    public void Record(CopyProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        reports.AddOrUpdate((progress.Namespace, progress.Region), (progress, time.Monotonic()), (_, old) =>
            // Reports from one replicator arrive in order; from two (a change of leader), the more advanced stands.
            progress.AppliedRevision >= old.Progress.AppliedRevision || time.Monotonic() - old.At > ReportEvery * 10 ? (progress, time.Monotonic()) : old);
    }

    /// <summary>The last report of a region's copy and how long ago it arrived, or null if none did.</summary>
    public (CopyProgress Progress, TimeSpan Age)? Find(string ns, string region) =>
        reports.TryGetValue((ns, region), out var report) ? (report.Progress, time.Monotonic() - report.At) : null;

    /// <summary>Forgets a namespace (deleted, or no longer replicated).</summary>
    public void Forget(string ns)
    {
        foreach (var key in reports.Keys.Where(k => k.Namespace == ns))
        {
            reports.TryRemove(key, out _);
        }
    }
}
