namespace Platform.Consensus;

/// <summary>Read-only views for status pages and for the simulator's invariant checks.</summary>
public sealed partial class RaftNode
{
    /// <summary>The index through which entries were compacted into the snapshot.</summary>
    public long CompactedIndex => log.CompactedIndex;

    /// <summary>The term of the entry at <paramref name="index"/>, or 0 when it is compacted or past the end.</summary>
    public long TermAt(long index) => log.TermOrZero(index);

    /// <summary>The entry at <paramref name="index"/>, which must lie in (CompactedIndex, LastIndex].</summary>
    public Log.Entry EntryAt(long index) => log.At(index);

    /// <summary>What a leader counts as its own match toward the quorum (0 when not leading).</summary>
    internal long SelfMatch => Role == Role.Leader ? progress[Id].Match : 0;

    /// <summary>The last index known durable on this replica.</summary>
    public long StableIndex => log.StableIndex;

    /// <summary>What the leader knows of each member: (replica, match, next, state), empty on followers.</summary>
    public IReadOnlyList<ReplicaProgress> ProgressSnapshot() =>
        Role != Role.Leader ? [] : [.. progress.Select(p => new ReplicaProgress(p.Key, p.Value.Match, p.Value.Next, p.Value.State.ToString(), p.Value.IsLearner))];
}

public readonly record struct ReplicaProgress(ulong Replica, long Match, long Next, string State, bool IsLearner);
