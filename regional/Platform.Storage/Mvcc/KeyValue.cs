namespace Platform.Storage.Mvcc;

/// <summary>One version of a key, as reads return it (the envelope of docs/api.md).</summary>
public sealed record KeyValue(string Key, ReadOnlyMemory<byte> Value, string ContentType, long CreateRevision, long ModRevision, long Version);

public enum ChangeKind : byte
{
    Put,
    Delete,
}

/// <summary>One change in revision order: what watches and the replicator's change feed carry.</summary>
/// <param name="Revision">The namespace revision of the change (a transaction's changes share one).</param>
/// <param name="Current">The key after the change; for a delete, its last live version with the delete's revision.</param>
public sealed record ChangeEvent(long Revision, ChangeKind Kind, KeyValue Current);

/// <summary>A page of a prefix listing, all read at one revision.</summary>
public sealed record RangeResult(long Revision, IReadOnlyList<KeyValue> Items, string? NextKey);
