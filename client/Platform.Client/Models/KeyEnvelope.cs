namespace Platform.Client.Models;

/// <summary>
/// One key's value and metadata: the body of <c>GET /v1/ns/{ns}/kv/{key}?format=json</c> and each
/// item of a listing. <see cref="Value"/> holds the raw bytes (base64 on the wire).
/// </summary>
public sealed record KeyEnvelope(
    string Key,
    byte[] Value,
    string? ContentType,
    long CreateRevision,
    long ModRevision,
    long Version,
    long Revision);
