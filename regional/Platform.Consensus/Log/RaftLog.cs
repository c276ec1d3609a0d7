namespace Platform.Consensus.Log;

/// <summary>
/// The replica's log as the core sees it: entries after the compaction point, with marks for what
/// is durable (stable), committed, handed out for applying, and applied. The caller's storage
/// holds the durable copy; this is the in-memory view the core decides on.
/// </summary>
/// <remarks>
/// Indices: compactedIndex &lt;= applied &lt;= applying &lt;= committed &lt;= lastIndex, and
/// compactedIndex &lt;= stableIndex &lt;= lastIndex. Entries at or below compactedIndex are gone;
/// only the term of compactedIndex itself is remembered.
/// </remarks>
internal sealed class RaftLog
{
    private readonly List<Entry> entries = [];

    public RaftLog(long compactedIndex, long compactedTerm)
    {
        CompactedIndex = compactedIndex;
        CompactedTerm = compactedTerm;
        StableIndex = compactedIndex;
        Committed = compactedIndex;
        Applying = compactedIndex;
        Applied = compactedIndex;
    }

    public long CompactedIndex { get; private set; }

    public long CompactedTerm { get; private set; }

    /// <summary>The last index known to be on this replica's disk.</summary>
    public long StableIndex { get; private set; }

    public long Committed { get; private set; }

    /// <summary>The last index handed out to the state machine (in a Ready not yet advanced, or applied).</summary>
    public long Applying { get; private set; }

    public long Applied { get; private set; }

    public long FirstIndex => CompactedIndex + 1;

    public long LastIndex => CompactedIndex + entries.Count;

    public long LastTerm => entries.Count == 0 ? CompactedTerm : entries[^1].Term;

    /// <summary>The term of the entry at <paramref name="index"/>, if it is known (not compacted, not past the end).</summary>
    public bool TryTerm(long index, out long term)
    {
        if (index == CompactedIndex)
        {
            term = CompactedTerm;
            return true;
        }

        if (index < CompactedIndex || index > LastIndex)
        {
            term = 0;
            return false;
        }

        term = entries[(int)(index - FirstIndex)].Term;
        return true;
    }

    public long TermOrZero(long index) => TryTerm(index, out var term) ? term : 0;

    public bool MatchTerm(long index, long term) => TryTerm(index, out var actual) && actual == term;

    public Entry At(long index)
    {
        Invariant.Require(index >= FirstIndex && index <= LastIndex, "entry index outside the log");
        return entries[(int)(index - FirstIndex)];
    }

    /// <summary>Raft's election restriction: is a candidate's log at least as up to date as this one?</summary>
    public bool IsUpToDate(long lastIndex, long lastTerm) =>
        lastTerm > LastTerm || (lastTerm == LastTerm && lastIndex >= LastIndex);

    /// <summary>The leader appends its own new entries.</summary>
    public void Append(Entry entry)
    {
        Invariant.Require(entry.Index == LastIndex + 1 && entry.Term >= LastTerm, "appended entry does not extend the log");
        entries.Add(entry);
    }

    /// <summary>
    /// A follower appends what the leader sent after (prevIndex, prevTerm): entries already present
    /// with the same term are kept, the first conflicting entry and everything after it are replaced.
    /// Returns the last index the leader's message proves matching, or null if (prevIndex, prevTerm)
    /// does not match this log.
    /// </summary>
    public long? TryAppendFromLeader(long prevIndex, long prevTerm, Entry[] newEntries)
    {
        if (!MatchTerm(prevIndex, prevTerm))
        {
            return null;
        }

        var lastNew = prevIndex + newEntries.Length;
        foreach (var entry in newEntries)
        {
            if (entry.Index <= CompactedIndex || MatchTerm(entry.Index, entry.Term))
            {
                continue;
            }

            // First conflict (or first entry past our end): everything from here is the leader's.
            Invariant.Require(entry.Index > Committed, "leader tried to overwrite a committed entry");
            TruncateFrom(entry.Index);
            var from = (int)(entry.Index - prevIndex - 1);
            for (var i = from; i < newEntries.Length; i++)
            {
                entries.Add(newEntries[i]);
            }

            break;
        }

        return lastNew;
    }

    private void TruncateFrom(long index)
    {
        if (index > LastIndex)
        {
            return;
        }

        entries.RemoveRange((int)(index - FirstIndex), (int)(LastIndex - index + 1));
        StableIndex = Math.Min(StableIndex, index - 1);
    }

    /// <summary>
    /// The last index at or below <paramref name="index"/> whose term is at most <paramref name="term"/>:
    /// where a follower and a leader could first agree (etcd's findConflictByTerm).
    /// </summary>
    public long FindConflictByTerm(long index, long term)
    {
        index = Math.Min(index, LastIndex);
        while (index > CompactedIndex && TermOrZero(index) > term)
        {
            index--;
        }

        return index;
    }

    public void CommitTo(long index)
    {
        if (index <= Committed)
        {
            return;
        }

        Invariant.Require(index <= LastIndex, "commit index past the end of the log");
        Committed = index;
    }

    /// <summary>Entries in [from, to], at most <paramref name="maxBytes"/> (but always at least one).</summary>
    public Entry[] Slice(long from, long to, long maxBytes)
    {
        if (from > to)
        {
            return [];
        }

        Invariant.Require(from >= FirstIndex && to <= LastIndex, "slice outside the log");
        var start = (int)(from - FirstIndex);
        var count = (int)(to - from + 1);
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            bytes += entries[start + i].SizeBytes;
            if (bytes > maxBytes && i > 0)
            {
                count = i;
                break;
            }
        }

        return entries.GetRange(start, count).ToArray();
    }

    public Entry[] UnstableEntries() => StableIndex >= LastIndex ? [] : entries.GetRange((int)(StableIndex - CompactedIndex), (int)(LastIndex - StableIndex)).ToArray();

    /// <summary>Records that entries through (index, term) are durable, unless they were replaced meanwhile.</summary>
    public void StableTo(long index, long term)
    {
        if (index > StableIndex && MatchTerm(index, term))
        {
            StableIndex = index;
        }
    }

    public Entry[] NextCommittedEntries(long maxBytes)
    {
        if (Committed <= Applying)
        {
            return [];
        }

        var batch = Slice(Applying + 1, Committed, maxBytes);
        Applying += batch.Length;
        return batch;
    }

    public void AppliedTo(long index)
    {
        Invariant.Require(index <= Applying && index >= Applied, "applied index moved backwards or past what was handed out");
        Applied = index;
    }

    /// <summary>Drops entries through <paramref name="index"/>; only applied entries may go.</summary>
    public void CompactTo(long index)
    {
        if (index <= CompactedIndex)
        {
            return;
        }

        Invariant.Require(index <= Applied, "cannot compact entries that are not applied");
        CompactedTerm = TermOrZero(index);
        entries.RemoveRange(0, (int)(index - CompactedIndex));
        CompactedIndex = index;
        StableIndex = Math.Max(StableIndex, index);
    }

    /// <summary>Replaces the whole log with a snapshot's position (a follower installing the leader's snapshot).</summary>
    public void RestoreSnapshot(long index, long term)
    {
        Invariant.Require(index > Committed, "a snapshot must move the log forward");
        entries.Clear();
        CompactedIndex = index;
        CompactedTerm = term;
        Committed = index;
        Applying = index;

        // The snapshot goes to disk in the same Ready that hands it out, before anything that
        // follows it; entries appended after it are unstable from index + 1. It counts as applied
        // only once the caller says so (Advance).
        StableIndex = index;
    }

    public void SnapshotApplied(long index)
    {
        StableIndex = Math.Max(StableIndex, index);
        Applied = Math.Max(Applied, index);
    }

    /// <summary>Restart: entries read back from disk after the compaction point.</summary>
    public void LoadDurable(IReadOnlyList<Entry> durable, long committed)
    {
        Invariant.Require(entries.Count == 0, "log already loaded");
        foreach (var entry in durable)
        {
            Append(entry);
        }

        StableIndex = LastIndex;
        Committed = Math.Max(Committed, Math.Min(committed, LastIndex));
    }
}
