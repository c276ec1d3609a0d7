namespace Platform.Client.Models;

/// <summary>The answer of <c>PUT /v1/ns/{ns}/kv/{key}</c>.</summary>
public sealed record PutResult(
    string Namespace,
    string Key,
    long Revision,
    long CreateRevision,
    long ModRevision,
    long Version,
    string? Region,
    long Epoch);
