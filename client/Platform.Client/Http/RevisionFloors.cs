using System.Collections.Concurrent;

namespace Platform.Client.Http;

/// <summary>
/// The highest revision a client has seen of each namespace (from read answers and write results).
/// Presented as <c>minRevision</c> on later reads, it keeps the client's view from going back in
/// time when a read lands on a region or edge that is behind. Thread-safe.
/// </summary>
internal sealed class RevisionFloors
{
    private readonly ConcurrentDictionary<string, long> floors = new(StringComparer.Ordinal);

    public long? Of(string ns) => floors.TryGetValue(ns, out var revision) ? revision : null;

    public void Saw(string ns, long? revision)
    {
        if (revision is not { } seen || seen <= 0)
        {
            return;
        }

        floors.AddOrUpdate(ns, seen, (_, held) => Math.Max(held, seen));
    }

    /// <summary>After a failover forked the namespace's history: the floor lay on the lost branch.</summary>
    public void Forget(string ns) => floors.TryRemove(ns, out _);
}
