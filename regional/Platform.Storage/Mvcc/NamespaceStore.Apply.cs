namespace Platform.Storage.Mvcc;

/// <summary>The write side: commands applied at consensus log indices.</summary>
public sealed partial class NamespaceStore
{
    /// <summary>
    /// Applies <paramref name="command"/> at consensus log index <paramref name="logIndex"/>;
    /// <paramref name="committedAtMs"/> is the commit time the entry carries (the home leader's
    /// clock, Unix ms), kept with the revision the command makes.
    /// </summary>
    public ApplyResult Apply(long logIndex, MvccCommand command, long committedAtMs = 0)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (logIndex <= AppliedIndex)
        {
            return new ApplyResult { Succeeded = false, Revision = Revision, Duplicate = true };
        }

        AppliedIndex = logIndex;
        pendingCommitTime = committedAtMs;
        try
        {
            return command switch
            {
                PutCommand put => ApplyPut(put),
                DeleteCommand delete => ApplyDelete(delete),
                TxnCommand txn => ApplyTxn(txn),
                CompactCommand compact => ApplyCompact(compact),
                BeginEpochCommand epoch => ApplyEpoch(epoch),
                ReplicateCommand replicate => ApplyReplicated(replicate),
                TruncateCommand truncate => ApplyTruncate(truncate),
                _ => throw new MvccException(MvccErrorCode.InvalidRequest, $"unknown command {command.GetType().Name}"),
            };
        }
        catch (MvccException refused)
        {
            // Validation happens before any change, so a refusal leaves the state as it was.
            return new ApplyResult { Succeeded = false, Revision = Revision, Error = refused.Code, Detail = refused.Message };
        }
    }

    private ApplyResult ApplyPut(PutCommand put)
    {
        limits.ValidateKey(put.Key);
        limits.ValidateValue(put.Value);
        if (!PreconditionHolds(put.Key, put.Precondition))
        {
            return Refused(MvccErrorCode.PreconditionFailed, $"the precondition on '{put.Key}' does not hold");
        }

        var revision = NextRevision();
        var change = WriteVersion(put.Key, put.Value, put.ContentType, revision);
        Commit(revision);
        return new ApplyResult { Succeeded = true, Revision = revision, Events = [change] };
    }

    private ApplyResult ApplyDelete(DeleteCommand delete)
    {
        limits.ValidateKey(delete.Key);
        if (!PreconditionHolds(delete.Key, delete.Precondition))
        {
            return Refused(MvccErrorCode.PreconditionFailed, $"the precondition on '{delete.Key}' does not hold");
        }

        if (Current(delete.Key) is null)
        {
            // Deleting nothing is not a change: no revision is spent (as in etcd).
            return new ApplyResult { Succeeded = true, Revision = Revision };
        }

        var revision = NextRevision();
        var change = WriteTombstone(delete.Key, revision);
        Commit(revision);
        return new ApplyResult { Succeeded = true, Revision = revision, Events = [change] };
    }

    private ApplyResult ApplyTxn(TxnCommand txn)
    {
        ValidateTxn(txn);
        var succeeded = txn.Compares.All(CompareHolds);
        var operations = succeeded ? txn.Success : txn.Failure;
        // Changes within one revision are kept in key order, the order a snapshot restores them in,
        // so every replica streams a transaction's events identically.
        var effective = operations.Where(o => !o.IsDelete || Current(o.Key) is not null).OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
        if (effective.Count == 0)
        {
            return new ApplyResult { Succeeded = succeeded, Revision = Revision };
        }

        // A transaction counts once: every change in it shares one revision.
        var revision = NextRevision();
        var events = new List<ChangeEvent>(effective.Count);
        foreach (var operation in effective)
        {
            events.Add(operation.IsDelete
                ? WriteTombstone(operation.Key, revision)
                : WriteVersion(operation.Key, operation.Value, operation.ContentType, revision));
        }

        Commit(revision);
        return new ApplyResult { Succeeded = succeeded, Revision = revision, Events = events };
    }

    private void ValidateTxn(TxnCommand txn)
    {
        var count = txn.Compares.Count + txn.Success.Count + txn.Failure.Count;
        if (count > limits.MaxTransactionOperations)
        {
            throw new MvccException(MvccErrorCode.RequestTooLarge, $"a transaction holds at most {limits.MaxTransactionOperations} operations, this one {count}");
        }

        foreach (var compare in txn.Compares)
        {
            limits.ValidateKey(compare.Key);
        }

        foreach (var branch in new[] { txn.Success, txn.Failure })
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var operation in branch)
            {
                limits.ValidateKey(operation.Key);
                limits.ValidateValue(operation.Value);
                if (!seen.Add(operation.Key))
                {
                    throw new MvccException(MvccErrorCode.InvalidRequest, $"key '{operation.Key}' appears twice in one branch of the transaction");
                }
            }
        }
    }

    private bool CompareHolds(TxnCompare compare)
    {
        var current = Current(compare.Key);
        int order = compare.Target switch
        {
            CompareTarget.ModRevision => (current?.ModRevision ?? 0).CompareTo(compare.Number),
            CompareTarget.Version => (current?.Version ?? 0).CompareTo(compare.Number),
            CompareTarget.Exists => (current is null ? 0L : 1L).CompareTo(compare.Number),
            CompareTarget.Value when current is null => -2,
            CompareTarget.Value => current.Value.Span.SequenceCompareTo(compare.Bytes.Span),
            _ => throw new MvccException(MvccErrorCode.InvalidRequest, $"unknown compare target {compare.Target}"),
        };

        // An absent key has no value: every value comparison with it fails.
        if (order == -2)
        {
            return false;
        }

        return compare.Operator switch
        {
            CompareOperator.Equal => order == 0,
            CompareOperator.NotEqual => order != 0,
            CompareOperator.Less => order < 0,
            CompareOperator.Greater => order > 0,
            _ => throw new MvccException(MvccErrorCode.InvalidRequest, $"unknown compare operator {compare.Operator}"),
        };
    }

    private ApplyResult ApplyEpoch(BeginEpochCommand epoch)
    {
        if (epoch.Epoch <= Epoch || epoch.Epoch > Revisions.MaxEpoch)
        {
            return Refused(MvccErrorCode.InvalidRequest, $"epoch {epoch.Epoch} does not follow epoch {Epoch}");
        }

        Epoch = epoch.Epoch;
        return new ApplyResult { Succeeded = true, Revision = Revision };
    }

    private bool PreconditionHolds(string key, Precondition precondition)
    {
        var current = Current(key);
        if (precondition.IfAbsent && current is not null)
        {
            return false;
        }

        return precondition.IfModRevision is not { } expected || (current?.ModRevision ?? 0) == expected;
    }

    private ApplyResult Refused(MvccErrorCode code, string detail) =>
        new() { Succeeded = false, Revision = Revision, Error = code, Detail = detail };

    private KeyValue? Current(string key) => keys.TryGetValue(key, out var history) ? history.Latest : null;

    private ChangeEvent WriteVersion(string key, ReadOnlyMemory<byte> value, string contentType, long revision, (long Created, long Version)? shipped = null)
    {
        if (!keys.TryGetValue(key, out var history))
        {
            history = new KeyHistory();
            keys[key] = history;
            orderedKeys.Add(key);
        }

        var previous = history.Latest;
        // A shipped change keeps the home's numbers; a local one counts its own.
        var created = shipped?.Created ?? (previous is null ? revision : previous.CreateRevision);
        var version = shipped?.Version ?? ((previous?.Version ?? 0) + 1);
        var stored = new KeyValue(key, value.ToArray(), contentType, created, revision, version);
        history.Add(new StoredVersion(revision, stored));
        if (previous is null)
        {
            LiveKeys++;
        }

        UpdateDigest(previous, stored);
        var change = new ChangeEvent(revision, ChangeKind.Put, stored);
        changes.Add(change);
        return change;
    }

    private ChangeEvent WriteTombstone(string key, long revision)
    {
        var history = keys[key];
        var previous = history.Latest!;
        history.Add(new StoredVersion(revision, null));
        LiveKeys--;
        UpdateDigest(previous, null);

        // A delete event carries the key's last value with the delete's revision; version 0 marks it gone.
        var change = new ChangeEvent(revision, ChangeKind.Delete, previous with { ModRevision = revision, Version = 0 });
        changes.Add(change);
        return change;
    }

    private void Commit(long revision)
    {
        if (revision <= Revision)
        {
            throw new InvalidOperationException($"revision went from {Revision} to {revision}: revisions only grow");
        }

        Revision = revision;
        RecordDigest(revision, pendingCommitTime);
    }

    /// <summary>The commit time of the entry being applied, recorded with the revision it makes.</summary>
    private long pendingCommitTime;
}
