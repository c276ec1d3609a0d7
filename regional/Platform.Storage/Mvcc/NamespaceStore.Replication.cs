namespace Platform.Storage.Mvcc;

/// <summary>
/// A copy of a namespace homed in another region: changes shipped from the home's change feed are
/// applied with the home's revisions (docs/architecture.md, "Replicated apply"), and a copy that holds
/// revisions past a fork point drops them before it takes the new epoch's.
/// </summary>
public sealed partial class NamespaceStore
{
    private ApplyResult ApplyReplicated(ReplicateCommand replicate)
    {
        var shipped = replicate.Revisions;
        var start = 0;
        while (start < shipped.Count && shipped[start].Revision <= Revision)
        {
            start++;
        }

        if (start == shipped.Count)
        {
            // At or below the watermark: shipped twice (a retry, a second replicator), a no-op.
            return new ApplyResult { Succeeded = true, Revision = Revision };
        }

        var previous = start == 0 ? replicate.After : shipped[start - 1].Revision;
        if (previous != Revision)
        {
            return Refused(MvccErrorCode.ReplicationGap,
                $"shipped changes after revision {previous} do not follow this copy's revision {Revision}");
        }

        for (var i = start + 1; i < shipped.Count; i++)
        {
            if (shipped[i].Revision <= shipped[i - 1].Revision)
            {
                return Refused(MvccErrorCode.ReplicationGap, $"shipped revisions go from {shipped[i - 1].Revision} to {shipped[i].Revision}");
            }
        }

        var events = new List<ChangeEvent>();
        for (var i = start; i < shipped.Count; i++)
        {
            var revision = shipped[i];
            Epoch = Math.Max(Epoch, Revisions.Epoch(revision.Revision));
            foreach (var change in revision.Changes.OrderBy(c => c.Current.Key, StringComparer.Ordinal))
            {
                if (change.Kind == ChangeKind.Put)
                {
                    var value = change.Current;
                    events.Add(WriteVersion(value.Key, value.Value, value.ContentType, revision.Revision, (value.CreateRevision, value.Version)));
                }
                else if (Current(change.Current.Key) is not null)
                {
                    events.Add(WriteTombstone(change.Current.Key, revision.Revision));
                }
            }

            pendingCommitTime = revision.CommittedAtMs;
            Commit(revision.Revision);
        }

        return new ApplyResult { Succeeded = true, Revision = Revision, Events = events };
    }

    private ApplyResult ApplyTruncate(TruncateCommand truncate)
    {
        if (truncate.Revision >= Revision || (truncate.Expected is { } expected && expected != Revision))
        {
            return new ApplyResult { Succeeded = true, Revision = Revision };
        }

        if (truncate.Revision < CompactRevision)
        {
            return Refused(MvccErrorCode.Compacted, $"cannot drop changes down to {truncate.Revision}: history before {CompactRevision} was compacted");
        }

        var first = FirstChangeAfter(truncate.Revision);
        var removed = changes.GetRange(first, changes.Count - first);
        changes.RemoveRange(first, removed.Count);
        foreach (var key in removed.Select(c => c.Current.Key).Distinct(StringComparer.Ordinal))
        {
            var history = keys[key];
            var wasLive = history.Latest is not null;
            var kept = history.TruncateAfter(truncate.Revision);
            var isLive = kept && history.Latest is not null;
            LiveKeys += (isLive ? 1 : 0) - (wasLive ? 1 : 0);
            if (!kept)
            {
                keys.Remove(key);
                orderedKeys.Remove(key);
            }
        }

        var keepMarks = LastMarkAtOrBefore(truncate.Revision) + 1;
        digests.RemoveRange(keepMarks, digests.Count - keepMarks);
        digest = keepMarks > 0 ? digests[^1].Digest : 0;
        RememberTruncation(new Truncation(truncate.Revision, Revision));
        Revision = truncate.Revision;
        return new ApplyResult { Succeeded = true, Revision = Revision, Events = removed };
    }
}
