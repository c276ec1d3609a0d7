using Platform.Regional.Api.Problems;
using Platform.Regional.Replicas;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Routing;

/// <summary>
/// A watch's reads of a namespace's change log on this node's replica, apart from HTTP: the next
/// batch of changes after a cursor, the fork a cursor lies past, and a whole long poll. The watch
/// route streams or answers them; the simulation of the global layer polls through the same code.
/// </summary>
public static class WatchPoll
{
    /// <summary>Events read per pass, so one watcher far behind does not hold the replica's lock for long.</summary>
    public const int BatchSize = 512;

    /// <summary>A long poll's answer: the changes, and the revision up to which the watcher has seen everything.</summary>
    public sealed record Answer(IReadOnlyList<ChangeEvent> Events, long Covered);

    /// <summary>One pass: the changes after a cursor and the revision they reach, or why there are none to give.</summary>
    public sealed record Batch(IReadOnlyList<ChangeEvent> Events, long Revision, long? CompactedAt, bool Gone, bool More)
    {
        /// <summary>The fork point below the cursor, when the store dropped the history the cursor lies in.</summary>
        public long? DivergedBelow { get; init; }
    }

    /// <summary>
    /// Waits up to <paramref name="wait"/> for changes after <paramref name="after"/>: the first that
    /// come (or none, once the wait ran out). A cursor past a fork is refused with <c>410 Diverged</c>
    /// (the catalog tells once this node's replica of it learned the fork; the data tells as soon as
    /// the group applied the truncation, which may come first), one behind the compaction with
    /// <c>410 Compacted</c>, and changes the caller's grant no longer covers with <c>401</c>.
    /// </summary>
    public static async Task<Answer> PollAsync(
        ReplicaCore replica, NamespaceCatalog catalog, string ns, string prefix, long after, Func<bool> grantHolds, TimeSpan wait, TimeProvider time, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(replica);
        ArgumentNullException.ThrowIfNull(grantHolds);
        var deadline = time.Monotonic() + wait;
        while (true)
        {
            var applied = replica.NextApply;
            var batch = Next(replica, ns, prefix, after);
            if ((ForkBelow(catalog, ns, after) ?? batch.DivergedBelow) is { } fork)
            {
                throw ApiProblemException.Diverged($"revision {after} lies past the fork point {fork}: it was made by a former home and never reached its successor; watch again without it");
            }

            if (batch.CompactedAt is { } compacted)
            {
                throw ApiProblemException.Compacted(compacted);
            }

            var left = deadline - time.Monotonic();
            if (batch.Events.Count > 0 && !grantHolds())
            {
                throw ApiProblemException.Unauthorized("the token was revoked, or no longer covers this namespace, while the poll waited");
            }

            if (batch.Events.Count > 0 || batch.Gone || left <= TimeSpan.Zero)
            {
                // The revision this answer covers: a client resuming from it misses nothing.
                return new Answer(batch.Events, batch.More ? batch.Events[^1].Revision : Math.Max(after, batch.Revision));
            }

            await TimedWait.CompletesWithinAsync(applied, left, time, cancel);
            cancel.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The fork point below <paramref name="cursor"/> when the namespace's history forked under it (this node's catalog replica).</summary>
    public static long? ForkBelow(NamespaceCatalog catalog, string ns, long cursor)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Find(ns)?.ForkBelow(cursor);
    }

    /// <summary>The next changes after <paramref name="cursor"/>, read with the revision they reach, under the replica's lock.</summary>
    public static Batch Next(ReplicaCore replica, string ns, string prefix, long cursor)
    {
        ArgumentNullException.ThrowIfNull(replica);
        return replica.Read(m =>
        {
            if (m.Namespace(ns) is not { } store)
            {
                return new Batch([], 0, null, Gone: true, More: false);
            }

            if (store.DivergedBelow(cursor) is { } fork)
            {
                return new Batch([], store.Revision, null, Gone: false, More: false) { DivergedBelow = fork };
            }

            try
            {
                var events = store.ChangesAfter(cursor, prefix, BatchSize);
                if (events.Count < BatchSize)
                {
                    return new Batch(events, store.Revision, null, Gone: false, More: false);
                }

                // A full batch may end inside a transaction's revision: hold that revision back whole,
                // so resuming after the last sent revision misses none of its changes.
                var last = events[^1].Revision;
                var whole = events[0].Revision == last ? events : [.. events.Where(e => e.Revision != last)];
                return new Batch(whole, store.Revision, null, Gone: false, More: true);
            }
            catch (MvccException compacted) when (compacted.Code == MvccErrorCode.Compacted)
            {
                return new Batch([], store.Revision, compacted.CompactRevision, Gone: false, More: false);
            }
        });
    }
}
