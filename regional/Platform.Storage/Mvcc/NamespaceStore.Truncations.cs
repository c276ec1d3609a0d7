namespace Platform.Storage.Mvcc;

/// <summary>
/// A truncation this store applied: the revisions after <see cref="ForkRevision"/>, up to
/// <see cref="CutThrough"/> (the store's revision before it), no longer exist in its history.
/// </summary>
public readonly record struct Truncation(long ForkRevision, long CutThrough);

/// <summary>
/// What the store dropped to fork points, kept so a reader holding a revision from the dropped
/// range learns it from the data itself: a watch on this node may run past a fork before this
/// node's catalog replica has heard of the fork, and the new epoch's revisions, all larger than the
/// dropped ones, would otherwise follow without a word about the values that vanished.
/// </summary>
public sealed partial class NamespaceStore
{
    /// <summary>How many truncations are remembered (the oldest are forgotten; each needs a failover).</summary>
    public const int MaxTruncationsKept = 64;

    private readonly List<Truncation> truncations = [];

    public IReadOnlyList<Truncation> Truncations => truncations;

    /// <summary>
    /// The fork point below <paramref name="revision"/> when the revision lies in a range this store
    /// dropped (or past it within the same or an earlier epoch: a revision of the dropped history
    /// never applied here), or past the last revision this store held in an epoch it has since left
    /// (a revision of a former home that never reached this store's history: a node whose group
    /// followed the new home before its catalog replica heard of the fork sees no truncation of its
    /// own), else null.
    /// </summary>
    public long? DivergedBelow(long revision)
    {
        long? earliest = null;
        foreach (var truncation in truncations)
        {
            if (truncation.ForkRevision < revision && Revisions.Epoch(revision) <= Revisions.Epoch(truncation.CutThrough)
                && (earliest is null || truncation.ForkRevision < earliest))
            {
                earliest = truncation.ForkRevision;
            }
        }

        if (earliest is null)
        {
            // Every revision from the compaction point on has a mark: the history went from the last
            // mark below the revision straight into a later epoch, without it. (A revision before
            // every mark is older than what the store keeps: compacted, not diverged.)
            var last = LastMarkAtOrBefore(revision);
            if (last >= 0 && last + 1 < digests.Count && digests[last].Revision != revision
                && Revisions.Epoch(digests[last + 1].Revision) > Revisions.Epoch(revision))
            {
                earliest = digests[last].Revision;
            }
        }

        return earliest;
    }

    private void RememberTruncation(Truncation truncation)
    {
        if (truncations.Count == MaxTruncationsKept)
        {
            truncations.RemoveAt(0);
        }

        truncations.Add(truncation);
    }

    private void WriteTruncations(BinaryWriter writer)
    {
        writer.Write(truncations.Count);
        foreach (var truncation in truncations)
        {
            writer.Write(truncation.ForkRevision);
            writer.Write(truncation.CutThrough);
        }
    }

    /// <summary>Written last in a snapshot, so one made before truncations were kept ends before them.</summary>
    private void ReadTruncations(BinaryReader reader)
    {
        if (reader.BaseStream.Position >= reader.BaseStream.Length)
        {
            return;
        }

        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            RememberTruncation(new Truncation(reader.ReadInt64(), reader.ReadInt64()));
        }
    }
}
