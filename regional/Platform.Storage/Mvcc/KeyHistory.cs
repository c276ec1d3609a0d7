namespace Platform.Storage.Mvcc;

/// <summary>One key's versions in revision order; a tombstone (delete) is a version with no value.</summary>
internal sealed class KeyHistory
{
    private readonly List<StoredVersion> versions = [];

    public int Count => versions.Count;

    public KeyValue? Latest => versions.Count == 0 ? null : versions[^1].Live;

    public void Add(StoredVersion version) => versions.Add(version);

    /// <summary>The key as of <paramref name="revision"/>: the last version at or before it, null if absent then.</summary>
    public KeyValue? At(long revision)
    {
        var index = LastAtOrBefore(revision);
        return index < 0 ? null : versions[index].Live;
    }

    /// <summary>Drops every version after <paramref name="revision"/>. Returns false when nothing is left.</summary>
    public bool TruncateAfter(long revision)
    {
        var keep = LastAtOrBefore(revision) + 1;
        versions.RemoveRange(keep, versions.Count - keep);
        return versions.Count > 0;
    }

    public IEnumerable<StoredVersion> Newest(int limit) => Enumerable.Reverse(versions).Take(limit);

    /// <summary>
    /// Drops versions no read at or after <paramref name="revision"/> can see; keeps the one visible
    /// at it unless that is a tombstone. Returns false when nothing is left.
    /// </summary>
    public bool CompactTo(long revision)
    {
        var visible = LastAtOrBefore(revision);
        if (visible < 0)
        {
            return versions.Count > 0;
        }

        var keepFrom = versions[visible].Live is null ? visible + 1 : visible;
        versions.RemoveRange(0, keepFrom);
        return versions.Count > 0;
    }

    private int LastAtOrBefore(long revision)
    {
        int low = 0, high = versions.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            if (versions[middle].ModRevision <= revision)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }
}

/// <summary>A version in history: <see cref="Live"/> is null for a tombstone.</summary>
internal readonly record struct StoredVersion(long ModRevision, KeyValue? Live);
