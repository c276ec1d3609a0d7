namespace Platform.Storage.Mvcc;

/// <summary>Compaction: history before a revision is dropped; reads and watches below it get Compacted.</summary>
public sealed partial class NamespaceStore
{
    private ApplyResult ApplyCompact(CompactCommand compact)
    {
        if (compact.Revision <= CompactRevision)
        {
            return new ApplyResult { Succeeded = true, Revision = Revision };
        }

        if (compact.Revision > Revision)
        {
            return Refused(MvccErrorCode.FutureRevision, $"cannot compact to {compact.Revision}, past the namespace's revision {Revision}");
        }

        foreach (var key in keys.Keys.ToList())
        {
            if (!keys[key].CompactTo(compact.Revision))
            {
                keys.Remove(key);
                orderedKeys.Remove(key);
            }
        }

        changes.RemoveRange(0, FirstChangeAtOrAfter(compact.Revision));
        CompactDigests(compact.Revision);
        CompactRevision = compact.Revision;
        return new ApplyResult { Succeeded = true, Revision = Revision };
    }

    private int FirstChangeAtOrAfter(long revision) => FirstChangeAfter(revision - 1);
}
