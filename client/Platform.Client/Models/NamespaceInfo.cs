namespace Platform.Client.Models;

/// <summary>
/// A namespace as the catalog shows it (<c>GET /v1/namespaces/{ns}</c>). Members the contract
/// does not promise for every answer (the listing may be terser) are nullable.
/// </summary>
public sealed record NamespaceInfo(
    string? Name,
    string? Mode,
    long? Epoch,
    string? HomeRegion,
    long? Group,
    string? Rpo,
    string? RpoPolicy,
    bool? AutoFailover,
    IReadOnlyList<NamespaceRegionInfo>? Regions);

/// <summary>How far one region's copy of a namespace has come.</summary>
public sealed record NamespaceRegionInfo(
    string Region,
    long AppliedRevision,
    long LagRevisions,
    double LagSeconds,
    bool RpoBreached);
