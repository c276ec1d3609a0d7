namespace Platform.Storage.Mvcc;

/// <summary>The read side: point reads, prefix ranges and history, at the current or a past revision.</summary>
public sealed partial class NamespaceStore
{
    /// <summary>The key at <paramref name="revision"/> (default: current); null when absent then.</summary>
    public KeyValue? Get(string key, long? revision = null)
    {
        var at = CheckReadable(revision);
        return keys.TryGetValue(key, out var history) ? history.At(at) : null;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> live keys starting with <paramref name="prefix"/>, in key order,
    /// after <paramref name="startAfter"/>, as of <paramref name="revision"/>. Every page of a listing
    /// passes the first page's revision, so the listing is one consistent cut.
    /// </summary>
    public RangeResult Range(string prefix, int limit, long? revision = null, string? startAfter = null)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var at = CheckReadable(revision);
        var items = new List<KeyValue>(Math.Min(limit, 1024));
        string? lastKey = null;
        foreach (var key in KeysWithPrefix(prefix, startAfter))
        {
            if (keys[key].At(at) is not { } live)
            {
                continue;
            }

            if (items.Count == limit)
            {
                return new RangeResult(at, items, lastKey);
            }

            items.Add(live);
            lastKey = key;
        }

        return new RangeResult(at, items, null);
    }

    /// <summary>The key's versions, newest first, including deletes (as version 0 entries), at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<ChangeEvent> History(string key, int limit)
    {
        if (!keys.TryGetValue(key, out var history))
        {
            return [];
        }

        var result = new List<ChangeEvent>();
        foreach (var version in history.Newest(limit))
        {
            result.Add(version.Live is { } live
                ? new ChangeEvent(version.ModRevision, ChangeKind.Put, live)
                : new ChangeEvent(version.ModRevision, ChangeKind.Delete, new KeyValue(key, ReadOnlyMemory<byte>.Empty, string.Empty, 0, version.ModRevision, 0)));
        }

        return result;
    }

    /// <summary>
    /// Changes after <paramref name="afterRevision"/>, in revision order, for keys with the prefix: the
    /// change feed of watches and of the replicator. Throws Compacted when some were dropped.
    /// </summary>
    public IReadOnlyList<ChangeEvent> ChangesAfter(long afterRevision, string prefix = "", int limit = int.MaxValue)
    {
        if (afterRevision < CompactRevision - 1)
        {
            throw new MvccException(MvccErrorCode.Compacted, $"changes after revision {afterRevision} were compacted; the oldest kept is {CompactRevision}", CompactRevision);
        }

        var result = new List<ChangeEvent>();
        for (var i = FirstChangeAfter(afterRevision); i < changes.Count && result.Count < limit; i++)
        {
            if (changes[i].Current.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                result.Add(changes[i]);
            }
        }

        return result;
    }

    private int FirstChangeAfter(long revision)
    {
        int low = 0, high = changes.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (changes[middle].Revision <= revision)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private IEnumerable<string> KeysWithPrefix(string prefix, string? startAfter)
    {
        if (orderedKeys.Count == 0)
        {
            return [];
        }

        var lower = startAfter is not null && string.CompareOrdinal(startAfter, prefix) >= 0 ? startAfter + '\0' : prefix;
        var upper = prefix + char.MaxValue;
        if (string.CompareOrdinal(lower, upper) > 0)
        {
            return [];
        }

        return orderedKeys.GetViewBetween(lower, upper).Where(k => k.StartsWith(prefix, StringComparison.Ordinal));
    }

    private long CheckReadable(long? revision)
    {
        var at = revision ?? Revision;
        if (at > Revision)
        {
            throw new MvccException(MvccErrorCode.FutureRevision, $"revision {at} is past the namespace's revision {Revision}");
        }

        if (at < CompactRevision)
        {
            throw new MvccException(MvccErrorCode.Compacted, $"revision {at} was compacted; the oldest kept is {CompactRevision}", CompactRevision);
        }

        return at;
    }
}
