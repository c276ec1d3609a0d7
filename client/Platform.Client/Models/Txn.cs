using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Client.Models;

/// <summary>
/// One comparison of a transaction (<c>POST /v1/ns/{ns}/txn</c>): a key's <c>modRevision</c>,
/// <c>version</c>, <c>value</c> (base64) or <c>exists</c>, against a value with <c>=</c>, <c>!=</c>,
/// <c>&lt;</c> or <c>&gt;</c>.
/// </summary>
public sealed record TxnCompare(string Key, string Target, string Op, JsonElement Value)
{
    public static TxnCompare ModRevision(string key, string op, long revision) => new(key, "modRevision", op, JsonSerializer.SerializeToElement(revision));

    public static TxnCompare Version(string key, string op, long version) => new(key, "version", op, JsonSerializer.SerializeToElement(version));

    public static TxnCompare ValueIs(string key, string op, ReadOnlySpan<byte> value) => new(key, "value", op, JsonSerializer.SerializeToElement(Convert.ToBase64String(value)));

    public static TxnCompare Exists(string key, bool exists) => new(key, "exists", "=", JsonSerializer.SerializeToElement(exists));
}

/// <summary>A put inside a transaction; the value travels as base64.</summary>
public sealed record TxnPut(string Key, byte[] Value, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ContentType = null);

public sealed record TxnDelete(string Key);

/// <summary>A put or a delete (exactly one of them).</summary>
public sealed record TxnOperation(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TxnPut? Put = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TxnDelete? Delete = null)
{
    public static TxnOperation Write(string key, byte[] value, string? contentType = null) => new(Put: new TxnPut(key, value, contentType));

    public static TxnOperation Remove(string key) => new(Delete: new TxnDelete(key));
}

/// <summary>The body of a transaction: when every comparison holds, <see cref="Success"/> runs, else <see cref="Failure"/> (128 operations at most).</summary>
public sealed record TxnRequest(IReadOnlyList<TxnCompare> Compare, IReadOnlyList<TxnOperation> Success, IReadOnlyList<TxnOperation>? Failure = null);

/// <summary>A transaction's outcome: which branch ran, at which revision, and what each operation did.</summary>
public sealed record TxnResult(bool Succeeded, long Revision, JsonElement Results);

/// <summary>The answer to a compaction: the namespace's revision and where its history now starts.</summary>
public sealed record CompactResult(long Revision, long CompactRevision);

/// <summary>A checksum of a namespace's state at (epoch, revision): equal digests, equal states.</summary>
public sealed record DigestResult(string Namespace, long Revision, long Epoch, string Digest);

/// <summary>A write acknowledged (or of unknown outcome) at a former home that never reached its successor.</summary>
public sealed record DivergentWrite(string Key, byte[]? Value, string? ContentType, bool Deleted, long Revision, long Epoch, DateTimeOffset CommittedAt, bool Acknowledged);

/// <summary>The divergent-writes archive of a namespace (<c>GET /v1/ns/{ns}/divergent</c>).</summary>
public sealed record DivergentArchive(string Namespace, IReadOnlyList<DivergentWrite> Items);

/// <summary>The body of <c>POST /v1/ns/{ns}/compact</c>.</summary>
public sealed record CompactBody(long Revision);
