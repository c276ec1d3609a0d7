namespace Platform.Storage.Mvcc;

/// <summary>
/// The MVCC key-value state of one namespace: every key's history, the change log in revision
/// order (watches and the replicator read it, not the Raft log), compaction and an incremental
/// digest. It is a deterministic state machine: the same commands at the same log indices give
/// the same state on every replica, and an index at or below the last applied one is ignored.
/// Not thread-safe: one writer (the group's apply loop); readers go through the regional layer.
/// </summary>
public sealed partial class NamespaceStore
{
    private readonly Dictionary<string, KeyHistory> keys = new(StringComparer.Ordinal);
    private readonly SortedSet<string> orderedKeys = new(StringComparer.Ordinal);
    private readonly List<ChangeEvent> changes = [];
    private readonly MvccLimits limits;

    public NamespaceStore(string name, MvccLimits? limits = null)
    {
        Name = name;
        this.limits = limits ?? MvccLimits.Default;
    }

    public string Name { get; }

    /// <summary>The revision of the latest change (0 before the first).</summary>
    public long Revision { get; private set; }

    public long Epoch { get; private set; }

    /// <summary>The oldest revision still readable; reads and watches below it get Compacted.</summary>
    public long CompactRevision { get; private set; }

    /// <summary>The last consensus log index applied to this namespace.</summary>
    public long AppliedIndex { get; private set; }

    /// <summary>Keys with a live version at the current revision.</summary>
    public int LiveKeys { get; private set; }

    public MvccLimits Limits => limits;

    /// <summary>The revision the next change gets: the next sequence within the current epoch.</summary>
    private long NextRevision()
    {
        var sequence = Revisions.Epoch(Revision) == Epoch ? Revisions.Sequence(Revision) + 1 : 1;
        return Revisions.Compose(Epoch, sequence);
    }
}
