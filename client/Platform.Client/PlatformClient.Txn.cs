using Platform.Client.Http;
using Platform.Client.Json;
using Platform.Client.Models;

namespace Platform.Client;

/// <summary>Transactions, compaction, digests and the divergent-writes archive of a namespace.</summary>
public sealed partial class PlatformClient
{
    /// <summary>
    /// Compare-then-act inside one namespace, atomically. With retries on, the client gives it an
    /// <c>Idempotency-Key</c> (or uses <paramref name="idempotencyKey"/>), so a retry returns the first outcome.
    /// </summary>
    public async Task<TxnResult> TxnAsync(string ns, TxnRequest txn, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(txn);
        var request = WithJson(Request(HttpMethod.Post, PlatformRoutes.Txn(ns)), txn, PlatformJsonContext.Default.TxnRequest);
        AddIdempotencyKey(request, idempotencyKey);
        var done = await SendForJsonAsync(request, PlatformJsonContext.Default.TxnResult, cancellationToken);
        floors.Saw(ns, done.Revision);
        return done;
    }

    /// <summary>Drops the namespace's history before <paramref name="revision"/> (admin).</summary>
    public Task<CompactResult> CompactAsync(string ns, long revision, CancellationToken cancellationToken = default) =>
        SendForJsonAsync(
            WithJson(Request(HttpMethod.Post, PlatformRoutes.Compact(ns)), new CompactBody(revision), PlatformJsonContext.Default.CompactBody),
            PlatformJsonContext.Default.CompactResult,
            cancellationToken);

    /// <summary>The namespace's checksum at <paramref name="revision"/> (now when null).</summary>
    public Task<DigestResult> DigestAsync(string ns, long? revision = null, CancellationToken cancellationToken = default) =>
        SendForJsonAsync(
            Request(HttpMethod.Get, PlatformRoutes.Digest(ns) + PlatformRoutes.Query(("revision", PlatformRoutes.Text(revision)))),
            PlatformJsonContext.Default.DigestResult,
            cancellationToken);

    /// <summary>Writes a former home acknowledged (or answered with an unknown outcome) that never reached its successor.</summary>
    public Task<DivergentArchive> GetDivergentAsync(string ns, CancellationToken cancellationToken = default) =>
        SendForJsonAsync(Request(HttpMethod.Get, PlatformRoutes.Divergent(ns)), PlatformJsonContext.Default.DivergentArchive, cancellationToken);
}
