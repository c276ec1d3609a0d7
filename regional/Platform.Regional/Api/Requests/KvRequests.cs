using Mediator;
using Platform.Regional.Api.Pipeline;
using Platform.Regional.Api.Problems;
using Platform.Regional.Security;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Requests;

/// <summary>How fresh a read must be (docs/api.md, Keys and values): through the leader, or this node's replica.</summary>
public enum Consistency
{
    Linearizable,
    Serializable,
}

/// <summary>What every write of one key carries: If-Match, If-None-Match: * and Idempotency-Key.</summary>
public sealed record WriteConditions(long? IfModRevision, bool CreateOnly, string? IdempotencyKey)
{
    public const int MaxIdempotencyKeyLength = 256;

    public void Validate()
    {
        if (IdempotencyKey is { Length: 0 or > MaxIdempotencyKeyLength })
        {
            throw ApiProblemException.InvalidRequest($"an Idempotency-Key holds 1 to {MaxIdempotencyKeyLength} characters");
        }

        if (IfModRevision is < 0)
        {
            throw ApiProblemException.InvalidRequest("If-Match needs a revision of zero or more");
        }
    }
}

public sealed record PutKey(Caller Caller, string Namespace, string Key, ReadOnlyMemory<byte> Value, string ContentType, WriteConditions Conditions)
    : IRequest<KeyWritten>, INamespaceRequest, IValidatedRequest
{
    public Role RequiredRole => Role.Writer;

    public void Validate(MvccLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.ValidateKey(Key);
        limits.ValidateValue(Value);
        Conditions.Validate();
        if (ContentType.Length > 256)
        {
            throw ApiProblemException.InvalidRequest("the Content-Type is longer than 256 characters");
        }
    }
}

public sealed record KeyWritten(string Namespace, string Key, long Revision, long CreateRevision, long ModRevision, long Version, string Region, long Epoch, bool Replayed);

public sealed record DeleteKey(Caller Caller, string Namespace, string Key, WriteConditions Conditions)
    : IRequest<KeyDeleted>, INamespaceRequest, IValidatedRequest
{
    public Role RequiredRole => Role.Writer;

    public void Validate(MvccLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.ValidateKey(Key);
        Conditions.Validate();
    }
}

public sealed record KeyDeleted(long Revision, int Deleted);

/// <summary>A read of one key; <see cref="MinRevision"/> waits (up to <see cref="Wait"/>) for this region to apply it.</summary>
public sealed record GetKey(Caller Caller, string Namespace, string Key, Consistency Consistency, long? Revision, long? MinRevision, TimeSpan Wait)
    : IRequest<KeyRead>, INamespaceRequest, IValidatedRequest
{
    public Role RequiredRole => Role.Reader;

    /// <summary>Whether a copy of a namespace homed elsewhere may answer (<see cref="Routes.CopyReads"/>); otherwise only the home may.</summary>
    public bool CopyServes { get; init; }

    public void Validate(MvccLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.ValidateKey(Key);
        if (Revision is <= 0 || MinRevision is < 0)
        {
            throw ApiProblemException.InvalidRequest("revisions are positive numbers");
        }
    }
}

/// <summary>The key as of <see cref="Revision"/> (the namespace revision the read reflects); null when absent.</summary>
public sealed record KeyRead(KeyValue? Value, long Revision);

public sealed record ListKeys(Caller Caller, string Namespace, string Prefix, int Limit, string? PageToken, Consistency Consistency)
    : IRequest<KeyPage>, INamespaceRequest, IValidatedRequest
{
    public const int MaxLimit = 1000;

    public Role RequiredRole => Role.Reader;

    /// <summary>Whether a copy of a namespace homed elsewhere may answer (<see cref="Routes.CopyReads"/>); otherwise only the home may.</summary>
    public bool CopyServes { get; init; }

    public void Validate(MvccLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (Prefix.Length > 0)
        {
            limits.ValidateKey(Prefix);
        }

        if (Limit is < 1 or > MaxLimit)
        {
            throw ApiProblemException.InvalidRequest($"limit is 1 to {MaxLimit}");
        }

        if (PageToken is not null && Requests.PageToken.Parse(PageToken) is null)
        {
            throw ApiProblemException.InvalidRequest("the pageToken is not one this service issued");
        }
    }
}

public sealed record KeyPage(long Revision, IReadOnlyList<KeyValue> Items, string? NextPageToken);

public sealed record GetHistory(Caller Caller, string Namespace, string Key, int Limit)
    : IRequest<KeyHistoryPage>, INamespaceRequest, IValidatedRequest
{
    public Role RequiredRole => Role.Reader;

    public void Validate(MvccLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.ValidateKey(Key);
        if (Limit is < 1 or > ListKeys.MaxLimit)
        {
            throw ApiProblemException.InvalidRequest($"limit is 1 to {ListKeys.MaxLimit}");
        }
    }
}

public sealed record KeyHistoryPage(long Revision, IReadOnlyList<ChangeEvent> Items);

public sealed record CompactNamespace(Caller Caller, string Namespace, long Revision)
    : IRequest<NamespaceCompacted>, INamespaceRequest, IValidatedRequest
{
    public Role RequiredRole => Role.Admin;

    public void Validate(MvccLimits limits)
    {
        if (Revision <= 0)
        {
            throw ApiProblemException.InvalidRequest("compaction needs a positive revision");
        }
    }
}

public sealed record NamespaceCompacted(long Revision, long CompactRevision);

public sealed record GetDigest(Caller Caller, string Namespace, long? Revision)
    : IRequest<NamespaceDigest>, INamespaceRequest
{
    public Role RequiredRole => Role.Reader;
}

public sealed record NamespaceDigest(string Namespace, long Revision, long Epoch, ulong Digest);

/// <summary>The namespace's divergent-writes archive (kept in the catalog, so any region answers it).</summary>
public sealed record GetDivergent(Caller Caller, string Namespace)
    : IRequest<DivergentWrites>, INamespaceRequest
{
    public Role RequiredRole => Role.Reader;
}

public sealed record DivergentWrites(string Namespace, IReadOnlyList<Catalog.DivergentWrite> Items);
