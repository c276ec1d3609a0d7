namespace Platform.EdgeProxy.Watching;

/// <summary>
/// The recent changes of one namespace, oldest first, bounded by count and bytes. It covers every
/// change after <see cref="Floor"/>: a watcher resuming from a revision at or above the floor is
/// served from here without touching the region; one below it has missed changes the edge no
/// longer holds and is told to relist (Compacted). Thread-safe.
/// </summary>
public sealed class EventBuffer(int capacity, long maxBytes)
{
    private readonly BufferedEvent[] ring = new BufferedEvent[Math.Max(1, capacity)];
    private readonly Lock gate = new();
    private int head;
    private int count;
    private long bytes;
    private long floor = -1;

    /// <summary>Watchers at or above this revision can be served from the buffer; -1 before the first upstream watch started.</summary>
    public long Floor
    {
        get
        {
            lock (gate)
            {
                return floor;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return count;
            }
        }
    }

    /// <summary>Forgets every event: the buffer now covers the changes after <paramref name="from"/>.</summary>
    public void Reset(long from)
    {
        lock (gate)
        {
            Array.Clear(ring);
            head = 0;
            count = 0;
            bytes = 0;
            floor = from;
        }
    }

    public void Append(BufferedEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (gate)
        {
            while (count > 0 && (count == ring.Length || bytes + change.Size > maxBytes))
            {
                var oldest = ring[head];
                ring[head] = null!;
                head = (head + 1) % ring.Length;
                count--;
                bytes -= oldest.Size;

                // Whoever has seen the evicted revision whole may still resume; nobody below it can.
                floor = Math.Max(floor, oldest.Revision);
            }

            ring[(head + count) % ring.Length] = change;
            count++;
            bytes += change.Size;
        }
    }

    /// <summary>
    /// Copies up to <paramref name="most"/> events after <paramref name="cursor"/> whose key starts
    /// with <paramref name="prefix"/> into <paramref name="into"/>; false when the cursor is below
    /// the floor (the watcher fell behind the buffer). <paramref name="scannedTo"/> is the highest
    /// revision looked at, matching or not, so a watcher's cursor can move past filtered events.
    /// </summary>
    public bool After(long cursor, string prefix, int most, List<BufferedEvent> into, out long scannedTo)
    {
        ArgumentNullException.ThrowIfNull(into);
        lock (gate)
        {
            scannedTo = cursor;
            if (cursor < floor)
            {
                return false;
            }

            // Revisions never decrease along the ring: find the first one past the cursor.
            int low = 0, high = count;
            while (low < high)
            {
                var middle = (low + high) >>> 1;
                if (ring[(head + middle) % ring.Length].Revision <= cursor)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            for (var i = low; i < count; i++)
            {
                var change = ring[(head + i) % ring.Length];

                // A transaction's changes share a revision: stop only between revisions.
                if (into.Count >= most && change.Revision != scannedTo)
                {
                    break;
                }

                if (prefix.Length == 0 || change.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    into.Add(change);
                }

                scannedTo = change.Revision;
            }

            return true;
        }
    }
}
