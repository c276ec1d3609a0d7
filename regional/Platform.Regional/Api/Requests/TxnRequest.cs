using System.Text.Json;
using Mediator;
using Platform.Regional.Api.Pipeline;
using Platform.Regional.Api.Problems;
using Platform.Regional.Security;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Api.Requests;

/// <summary>The JSON body of <c>POST /v1/ns/{ns}/txn</c> (docs/api.md, Keys and values).</summary>
public sealed record TxnBody(IReadOnlyList<TxnCompareBody>? Compare, IReadOnlyList<TxnOperationBody>? Success, IReadOnlyList<TxnOperationBody>? Failure);

public sealed record TxnCompareBody(string? Key, string? Target, string? Op, JsonElement Value);

public sealed record TxnOperationBody(TxnPutBody? Put, TxnDeleteBody? Delete);

public sealed record TxnPutBody(string? Key, string? Value, string? ContentType);

public sealed record TxnDeleteBody(string? Key);

public sealed record RunTxn(Caller Caller, string Namespace, TxnBody Body, string? IdempotencyKey)
    : IRequest<TxnDone>, INamespaceRequest, IValidatedRequest
{
    public Role RequiredRole => Role.Writer;

    public void Validate(MvccLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        new WriteConditions(null, false, IdempotencyKey).Validate();
        var command = ToCommand();
        var count = command.Compares.Count + command.Success.Count + command.Failure.Count;
        if (count > limits.MaxTransactionOperations)
        {
            throw ApiProblemException.RequestTooLarge($"a transaction holds at most {limits.MaxTransactionOperations} operations, this one {count}");
        }

        foreach (var key in command.Compares.Select(c => c.Key).Concat(command.Success.Concat(command.Failure).Select(o => o.Key)))
        {
            limits.ValidateKey(key);
        }

        foreach (var operation in command.Success.Concat(command.Failure))
        {
            limits.ValidateValue(operation.Value);
        }
    }

    /// <summary>The body as the state machine's command; malformed parts are refused with InvalidRequest.</summary>
    public TxnCommand ToCommand() =>
        new([.. (Body.Compare ?? []).Select(ToCompare)], [.. (Body.Success ?? []).Select(ToOperation)], [.. (Body.Failure ?? []).Select(ToOperation)]);

    private static TxnCompare ToCompare(TxnCompareBody? compare)
    {
        if (compare?.Key is null)
        {
            throw ApiProblemException.InvalidRequest("every comparison needs a key");
        }

        var op = compare.Op switch
        {
            "=" => CompareOperator.Equal,
            "!=" => CompareOperator.NotEqual,
            "<" => CompareOperator.Less,
            ">" => CompareOperator.Greater,
            _ => throw ApiProblemException.InvalidRequest($"op '{compare.Op}' is not one of =, !=, <, >"),
        };
        var value = compare.Value;
        return compare.Target switch
        {
            "modRevision" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) => new TxnCompare(compare.Key, CompareTarget.ModRevision, op, n),
            "version" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) => new TxnCompare(compare.Key, CompareTarget.Version, op, n),
            "exists" when value.ValueKind is JsonValueKind.True or JsonValueKind.False => new TxnCompare(compare.Key, CompareTarget.Exists, op, value.GetBoolean() ? 1 : 0),
            "value" when value.ValueKind == JsonValueKind.String => new TxnCompare(compare.Key, CompareTarget.Value, op, 0, Base64(value.GetString())),
            "modRevision" or "version" or "exists" or "value" => throw ApiProblemException.InvalidRequest(
                $"a '{compare.Target}' comparison needs {(compare.Target == "value" ? "a base64 string" : compare.Target == "exists" ? "true or false" : "an integer")} as its value"),
            _ => throw ApiProblemException.InvalidRequest($"target '{compare.Target}' is not one of modRevision, version, value, exists"),
        };
    }

    private static TxnOperation ToOperation(TxnOperationBody? operation) => operation switch
    {
        { Put: { Key: { } key } put, Delete: null } => new TxnOperation(key, false, Base64(put.Value ?? string.Empty), put.ContentType ?? "application/octet-stream"),
        { Delete: { Key: { } key }, Put: null } => new TxnOperation(key, true),
        _ => throw ApiProblemException.InvalidRequest("every operation is {\"put\":{key,value,contentType}} or {\"delete\":{key}}"),
    };

    private static byte[] Base64(string? text)
    {
        try
        {
            return Convert.FromBase64String(text ?? string.Empty);
        }
        catch (FormatException)
        {
            throw ApiProblemException.InvalidRequest("values in a transaction are base64");
        }
    }
}

public sealed record TxnDone(bool Succeeded, long Revision, IReadOnlyList<TxnOperation> Executed, bool Replayed);
