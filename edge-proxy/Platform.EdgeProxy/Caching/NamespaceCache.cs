using System.Collections.Concurrent;
using Platform.EdgeProxy.Upstream;
using Platform.EdgeProxy.Watching;

namespace Platform.EdgeProxy.Caching;

/// <summary>
/// The edge's copy of one namespace: cached values per key, the recent-event buffer, and where the
/// namespace's single upstream watch stands. The watch is contiguous from <see cref="Base"/> on
/// (resumed by revision after any break), so an entry observed at or after the base is current as
/// of <see cref="Position"/> unless the watch brought a newer one. A fetch answer older than the
/// base is served but not kept: changes between it and the base would never arrive.
/// </summary>
public sealed class NamespaceCache
{
    private readonly ConcurrentDictionary<string, CachedValue> entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<FetchResult>> fetching = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private volatile TaskCompletionSource changed = NewSignal();
    private TaskCompletionSource started = NewSignal();
    private long baseRevision = -1;
    private long position = -1;
    private int generation;
    private volatile bool live;
    private long lastLive = Environment.TickCount64;
    private long lastFailure = long.MinValue / 2;
    private long lastUsed = Environment.TickCount64;
    private int watchers;
    private long bytes;
    private long lagMs = -1;
    private long offerFloor = -1;

    public NamespaceCache(string name, int bufferEvents, long bufferBytes)
    {
        Name = name;
        Buffer = new EventBuffer(bufferEvents, bufferBytes);
    }

    public string Name { get; }

    public EventBuffer Buffer { get; }

    /// <summary>The region that answered the watch (or the last fetch), for <c>X-Config-Region</c>.</summary>
    public string Region { get; private set; } = string.Empty;

    /// <summary>The revision from which the upstream watch has seen every change; -1 before it first started.</summary>
    public long Base => Interlocked.Read(ref baseRevision);

    /// <summary>The highest revision the upstream watch has brought (events and progress).</summary>
    public long Position => Interlocked.Read(ref position);

    /// <summary>Bumped by every flush: a watcher or fetch begun under an older generation is out of date.</summary>
    public int Generation => Volatile.Read(ref generation);

    /// <summary>The upstream watch is connected and its stream unbroken.</summary>
    public bool Live => live;

    /// <summary>Completes at the next change of position, of liveness, or a flush (read without a lock: 10,000 watchers read it at every wake).</summary>
    public Task Changed => changed.Task;

    public int Count => entries.Count;

    /// <summary>What the entries cost in memory, roughly (<see cref="CachedValue.Size"/>).</summary>
    public long Bytes => Interlocked.Read(ref bytes);

    /// <summary>Fetches under way, by key: N concurrent misses of a key share one.</summary>
    public ConcurrentDictionary<string, Task<FetchResult>> Fetching => fetching;

    /// <summary>Milliseconds since the watch was last connected (0 while it is).</summary>
    public long DownForMs => live ? 0 : Environment.TickCount64 - Interlocked.Read(ref lastLive);

    /// <summary>True when a fetch failed for want of a region in the last second: answer from the copy without trying again.</summary>
    public bool RecentlyUnreachable => Environment.TickCount64 - Interlocked.Read(ref lastFailure) < 1000;

    public long LastUsed => Interlocked.Read(ref lastUsed);

    public int Watchers => Volatile.Read(ref watchers);

    /// <summary>
    /// How far the region's copy is behind the home, for a <c>local-commit</c> namespace homed
    /// elsewhere (<c>X-Config-Lag-Ms</c>); null for a namespace this region is home of or that is
    /// strong-global.
    /// </summary>
    public long? LagMs
    {
        get => Interlocked.Read(ref lagMs) is var lag and >= 0 ? lag : null;
        set => Interlocked.Exchange(ref lagMs, value ?? -1);
    }

    /// <summary>Marks the namespace used; written at most every second, as every hit calls it from every core.</summary>
    public void Touch()
    {
        var now = Environment.TickCount64;
        if (now - Volatile.Read(ref lastUsed) > 1000)
        {
            Volatile.Write(ref lastUsed, now);
        }
    }

    public void WatcherJoined()
    {
        Interlocked.Increment(ref watchers);
        Touch();
    }

    public void WatcherLeft()
    {
        Interlocked.Decrement(ref watchers);
        Touch();
    }

    public void FetchFailed() => Interlocked.Exchange(ref lastFailure, Environment.TickCount64);

    /// <summary>Waits (bounded) until the upstream watch has started once, so a first fetch can be kept.</summary>
    public async Task<bool> WaitStartedAsync(TimeSpan most, CancellationToken cancellationToken)
    {
        Task first;
        lock (gate)
        {
            first = started.Task;
        }

        if (first.IsCompleted)
        {
            return true;
        }

        await Task.WhenAny(first, Task.Delay(most, cancellationToken));
        return first.IsCompleted;
    }

    public bool TryGet(string key, out CachedValue value) => entries.TryGetValue(key, out value!);

    /// <summary>The entry of a key given as a span (the hit path: no string for the key).</summary>
    public bool TryGet(ReadOnlySpan<char> key, out CachedValue value) => entries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out value!);

    /// <summary>
    /// <paramref name="revision"/> as header text; the watch's position is formatted once per
    /// position rather than once per hit.
    /// </summary>
    public string RevisionText(long revision)
    {
        var stamp = positionStamp;
        if (stamp.Revision == revision)
        {
            return stamp.Text;
        }

        var text = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (revision == Position)
        {
            positionStamp = new PositionStamp(revision, text);
        }

        return text;
    }

    private sealed record PositionStamp(long Revision, string Text);

    private volatile PositionStamp positionStamp = new(long.MinValue, string.Empty);

    /// <summary>
    /// Keeps a fetch's answer, observed at its read revision, unless the cache was flushed since the
    /// fetch began, the answer predates the watch's base, or the entry already holds something as new.
    /// </summary>
    public bool Offer(string key, CachedValue candidate, int fetchGeneration, string region)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        lock (gate)
        {
            if (fetchGeneration != generation || baseRevision < 0 || candidate.ObservedAt < baseRevision || candidate.ObservedAt < offerFloor)
            {
                return false;
            }

            Region = region.Length > 0 ? region : Region;
            return Upsert(key, candidate);
        }
    }

    /// <summary>The upstream watch answered: its events follow <paramref name="after"/>.</summary>
    public void Started(long after, string region)
    {
        lock (gate)
        {
            if (baseRevision < 0 || after > position)
            {
                // A first start, or a resume that would skip changes (it never should): from here on.
                if (baseRevision >= 0)
                {
                    FlushLocked();
                }

                baseRevision = after;
                position = after;
                Buffer.Reset(after);
            }

            Region = region;
            live = true;
            Interlocked.Exchange(ref lastLive, Environment.TickCount64);
            started.TrySetResult();
            SignalLocked();
        }
    }

    /// <summary>Changes the watch brought, in revision order: entries take them, the buffer keeps them.</summary>
    public void Apply(IReadOnlyList<(string Key, CachedValue Value, BufferedEvent Event)> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (gate)
        {
            foreach (var (key, value, change) in changes)
            {
                Upsert(key, value);
                Buffer.Append(change);
                position = Math.Max(position, change.Revision);
            }

            Interlocked.Exchange(ref lastLive, Environment.TickCount64);
            SignalLocked();
        }
    }

    public void Progress(long revision)
    {
        lock (gate)
        {
            if (revision > position)
            {
                position = revision;
                SignalLocked();
            }

            Interlocked.Exchange(ref lastLive, Environment.TickCount64);
        }
    }

    public void Disconnected()
    {
        lock (gate)
        {
            if (live)
            {
                live = false;
                Interlocked.Exchange(ref lastLive, Environment.TickCount64);
                SignalLocked();
            }
        }
    }

    /// <summary>
    /// The namespace's history forked (a failover: <c>Diverged</c>) or was compacted under the
    /// watch: nothing held can be trusted. Every entry goes, watchers relist, and the next watch
    /// starts a new base.
    /// </summary>
    public void Flush()
    {
        lock (gate)
        {
            FlushLocked();
            SignalLocked();
        }
    }

    /// <summary>
    /// Drops the least recently read of up to <paramref name="sample"/> entries (about half of
    /// them) to honour the edge's byte bound; returns the bytes freed. A fetch older than the
    /// watch's present position is refused from now on: it might hold a value the watch replaced
    /// in an entry that is no longer here to say so.
    /// </summary>
    public long Evict(int sample)
    {
        lock (gate)
        {
            offerFloor = Math.Max(offerFloor, position);
            var oldest = entries.Take(sample).OrderBy(e => e.Value.LastRead).Take(Math.Max(1, Math.Min(sample, entries.Count) / 2)).ToList();
            long freed = 0;
            foreach (var (key, value) in oldest)
            {
                if (entries.TryRemove(new KeyValuePair<string, CachedValue>(key, value)))
                {
                    freed += value.Size;
                }
            }

            Interlocked.Add(ref bytes, -freed);
            return freed;
        }
    }

    private void FlushLocked()
    {
        entries.Clear();
        Interlocked.Exchange(ref bytes, 0);
        generation++;
        baseRevision = -1;
        position = -1;
        live = false;
        Buffer.Reset(long.MaxValue);
        if (started.Task.IsCompleted)
        {
            started = NewSignal();
        }
    }

    private bool Upsert(string key, CachedValue candidate)
    {
        while (true)
        {
            if (!entries.TryGetValue(key, out var held))
            {
                if (entries.TryAdd(key, candidate))
                {
                    Interlocked.Add(ref bytes, candidate.Size);
                    return true;
                }

                continue;
            }

            // Only a newer (epoch, revision) replaces what is held: a slow fetch never undoes the watch.
            if (candidate.ObservedAt <= held.ObservedAt)
            {
                return false;
            }

            if (entries.TryUpdate(key, candidate, held))
            {
                Interlocked.Add(ref bytes, candidate.Size - held.Size);
                return true;
            }
        }
    }

    private void SignalLocked()
    {
        var signal = changed;
        changed = NewSignal();
        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
