namespace Platform.Storage.Mvcc;

/// <summary>Why the state machine refused something; the names match the problem codes of docs/api.md (Errors).</summary>
public enum MvccErrorCode
{
    InvalidKey,
    InvalidRequest,
    ValueTooLarge,
    RequestTooLarge,
    PreconditionFailed,
    Compacted,

    /// <summary>A revision past what this namespace has applied.</summary>
    FutureRevision,

    /// <summary>Shipped changes that do not follow this copy's revision (a gap, or a copy past a fork).</summary>
    ReplicationGap,

    /// <summary>A write under an epoch that is not the namespace's current one here, or to a copy that does not take writes.</summary>
    FencedEpoch,
}

/// <summary>A refusal that changed nothing.</summary>
public sealed class MvccException(MvccErrorCode code, string message, long compactRevision = 0) : Exception(message)
{
    public MvccErrorCode Code { get; } = code;

    /// <summary>For <see cref="MvccErrorCode.Compacted"/>: the oldest revision still readable.</summary>
    public long CompactRevision { get; } = compactRevision;
}
