namespace Platform.Client.Models;

/// <summary>
/// One page of <c>GET /v1/ns/{ns}/kv</c>. Every page of one listing reflects the same
/// <see cref="Revision"/>; <see cref="NextPageToken"/> is null on the last page.
/// </summary>
public sealed record ListPage(long Revision, IReadOnlyList<KeyEnvelope> Items, string? NextPageToken);
