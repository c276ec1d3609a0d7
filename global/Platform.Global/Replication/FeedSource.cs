using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Global.Replication;

/// <summary>
/// What a home's change feed sends next, from its group's state: the rules of docs/architecture.md
/// ("Replicated apply") in one place, used by the feed route and by the replication simulator.
/// </summary>
public static class FeedSource
{
    /// <summary>At most this many changes go in one frame; a backlog goes in several.</summary>
    public const int MaxChangesPerFrame = 2048;

    /// <summary>
    /// The next frame after <paramref name="after"/>: changes (their Revision is the last they carry,
    /// Head the namespace's revision), a snapshot when they were compacted, a heartbeat when there
    /// are none; null when the namespace is gone from this replica.
    /// </summary>
    public static FeedFrame? NextFrame(GroupStateMachine machine, string ns, long after)
    {
        ArgumentNullException.ThrowIfNull(machine);
        if (machine.State(ns) is not { IsCopy: false } state)
        {
            return null;
        }

        var store = state.Store;
        if (after < 0 || after < store.CompactRevision - 1)
        {
            // Asked for (a copy found its state diverged), or the changes it lacks were compacted.
            return new FeedFrame(FeedFrameKind.Snapshot, store.Revision, store.Revision, machine.NamespaceSnapshot(ns)!);
        }

        var changes = store.ChangesAfter(after, limit: MaxChangesPerFrame);
        if (changes.Count == 0)
        {
            // Idle: the digest at the head lets the copy check its state against the home's at the same revision.
            var digest = new byte[sizeof(ulong)];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(digest, store.DigestAt());
            return new FeedFrame(FeedFrameKind.Heartbeat, store.Revision, store.CompactRevision, digest);
        }

        // A transaction's changes share a revision: a frame never splits one. A full frame leaves
        // its last revision to the next (a transaction holds far fewer changes than a frame).
        var whole = changes.Count == MaxChangesPerFrame ? changes.Where(c => c.Revision != changes[^1].Revision).ToList() : changes;
        var last = whole[^1].Revision;

        var revisions = whole.GroupBy(c => c.Revision)
            .Select(g => new ReplicatedRevision(g.Key, store.CommittedAt(g.Key), [.. g]))
            .ToList();
        // The idempotency keys remembered with these revisions (and any at the last one sent) go with them.
        var command = new NamespaceCommand(ns, new ReplicateCommand(after, revisions), Outcomes: state.Idempotency.Between(after, last));
        return new FeedFrame(FeedFrameKind.Changes, store.Revision, last, GroupCommandCodec.Encode(command));
    }
}
