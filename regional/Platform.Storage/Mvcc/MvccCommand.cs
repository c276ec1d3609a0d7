namespace Platform.Storage.Mvcc;

/// <summary>A change to one namespace, as it travels through the consensus log.</summary>
public abstract record MvccCommand;

/// <summary>Write preconditions: If-Match (the key's current modRevision) and If-None-Match: * (create only).</summary>
public readonly record struct Precondition(long? IfModRevision = null, bool IfAbsent = false);

public sealed record PutCommand(string Key, ReadOnlyMemory<byte> Value, string ContentType, Precondition Precondition = default) : MvccCommand;

public sealed record DeleteCommand(string Key, Precondition Precondition = default) : MvccCommand;

public enum CompareTarget : byte
{
    ModRevision,
    Version,
    Value,
    Exists,
}

public enum CompareOperator : byte
{
    Equal,
    NotEqual,
    Less,
    Greater,
}

/// <summary>
/// One comparison of a transaction. Numbers compare <see cref="Number"/>; <see cref="CompareTarget.Value"/>
/// compares <see cref="Bytes"/> (ordinal on bytes); <see cref="CompareTarget.Exists"/> compares with
/// <see cref="Number"/> 1 (exists) or 0. An absent key has modRevision 0 and version 0.
/// </summary>
public sealed record TxnCompare(string Key, CompareTarget Target, CompareOperator Operator, long Number = 0, ReadOnlyMemory<byte> Bytes = default);

/// <summary>A put (when <see cref="IsDelete"/> is false) or a delete inside a transaction.</summary>
public sealed record TxnOperation(string Key, bool IsDelete, ReadOnlyMemory<byte> Value = default, string ContentType = "application/octet-stream");

/// <summary>Compare, then act: all comparisons hold → the success operations, else the failure ones, at one revision.</summary>
public sealed record TxnCommand(IReadOnlyList<TxnCompare> Compares, IReadOnlyList<TxnOperation> Success, IReadOnlyList<TxnOperation> Failure) : MvccCommand;

/// <summary>Drops history before <see cref="Revision"/>.</summary>
public sealed record CompactCommand(long Revision) : MvccCommand;

/// <summary>Starts a new epoch (a change of home region): the next change's revision is epoch * 2^40 + 1.</summary>
public sealed record BeginEpochCommand(long Epoch) : MvccCommand;

/// <summary>
/// Changes shipped from the namespace's home region, applied with the home's revisions, versions
/// and commit times. <paramref name="After"/> is the revision that precedes the first of them in
/// the home's change feed: they apply only on a copy whose revision is that one (revisions the
/// copy already has are skipped), so a gap or a copy past a fork is refused, never papered over.
/// </summary>
public sealed record ReplicateCommand(long After, IReadOnlyList<ReplicatedRevision> Revisions) : MvccCommand;

/// <summary>One revision of the home's change feed: its changes (a transaction's share one revision) and when the home committed it.</summary>
public sealed record ReplicatedRevision(long Revision, long CommittedAtMs, IReadOnlyList<ChangeEvent> Changes);

/// <summary>
/// Drops every change after <see cref="Revision"/> (a copy past a fork point), returning them as the
/// result's events. With <see cref="Expected"/>, only while the store is at that revision: the fork
/// answer was for a request made there, and the copy may have moved on since.
/// </summary>
public sealed record TruncateCommand(long Revision, long? Expected = null) : MvccCommand;

/// <summary>What applying a command did. Nothing changed unless <see cref="Events"/> is non-empty (or the command compacted or began an epoch).</summary>
public sealed record ApplyResult
{
    /// <summary>Preconditions and comparisons held (for a transaction: which branch ran).</summary>
    public required bool Succeeded { get; init; }

    /// <summary>The namespace revision after the command.</summary>
    public required long Revision { get; init; }

    public IReadOnlyList<ChangeEvent> Events { get; init; } = [];

    public MvccErrorCode? Error { get; init; }

    public string? Detail { get; init; }

    /// <summary>The entry was at or below the last applied index: a replay, ignored.</summary>
    public bool Duplicate { get; init; }

    /// <summary>For a delete: how many keys it removed (0 or 1).</summary>
    public int Deleted => Events.Count(e => e.Kind == ChangeKind.Delete);
}
