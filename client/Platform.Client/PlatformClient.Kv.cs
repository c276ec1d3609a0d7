using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Platform.Client.Http;
using Platform.Client.Json;
using Platform.Client.Models;

namespace Platform.Client;

/// <summary>Keys and values: <c>/v1/ns/{ns}/kv</c> and <c>/v1/ns/{ns}/history</c>.</summary>
public sealed partial class PlatformClient
{
    /// <summary>
    /// Writes <paramref name="value"/> under <paramref name="key"/>. <paramref name="ifRevision"/> makes it a
    /// compare-and-swap on the key's modRevision (<c>If-Match</c>); <paramref name="createOnly"/> fails when the key
    /// exists (<c>If-None-Match: *</c>); <paramref name="idempotencyKey"/> makes a retry return the first outcome.
    /// </summary>
    public async Task<PutResult> PutAsync(
        string ns,
        string key,
        ReadOnlyMemory<byte> value,
        string? contentType = null,
        long? ifRevision = null,
        bool createOnly = false,
        string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        if (ifRevision is not null && createOnly)
        {
            throw new ArgumentException("a write is either conditional on a revision or create-only, not both", nameof(createOnly));
        }

        var request = Request(HttpMethod.Put, PlatformRoutes.Key(ns, key));
        request.Content = new ReadOnlyMemoryContent(value);
        // Any content type is stored as given, so it is not validated here (TryAddWithoutValidation).
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType ?? "application/octet-stream");
        AddIfMatch(request, ifRevision);
        if (createOnly)
        {
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        }

        AddIdempotencyKey(request, idempotencyKey);
        var written = await SendForJsonAsync(request, PlatformJsonContext.Default.PutResult, cancellationToken);
        floors.Saw(ns, written.Revision);
        return written;
    }

    /// <summary>
    /// Reads a key as its envelope (<c>?format=json</c>). <paramref name="revision"/> reads the key as it was at that
    /// revision; <paramref name="minRevision"/> waits until the answering region has applied it.
    /// </summary>
    public Task<ReadResult<KeyEnvelope>> GetAsync(
        string ns,
        string key,
        ReadConsistency? consistency = null,
        long? revision = null,
        long? minRevision = null,
        CancellationToken cancellationToken = default)
    {
        var query = PlatformRoutes.Query(
            ("format", "json"),
            ("consistency", PlatformRoutes.Text(consistency)),
            ("revision", PlatformRoutes.Text(revision)),
            ("minRevision", PlatformRoutes.Text(minRevision)));
        return SendForReadAsync(Request(HttpMethod.Get, PlatformRoutes.Key(ns, key) + query), PlatformJsonContext.Default.KeyEnvelope, cancellationToken);
    }

    /// <summary>Deletes a key; <paramref name="ifRevision"/> deletes only if its modRevision still is that.</summary>
    public async Task<DeleteResult> DeleteAsync(
        string ns,
        string key,
        long? ifRevision = null,
        string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        var request = Request(HttpMethod.Delete, PlatformRoutes.Key(ns, key));
        AddIfMatch(request, ifRevision);
        AddIdempotencyKey(request, idempotencyKey);
        var deleted = await SendForJsonAsync(request, PlatformJsonContext.Default.DeleteResult, cancellationToken);
        floors.Saw(ns, deleted.Revision);
        return deleted;
    }

    /// <summary>One page of the keys under <paramref name="prefix"/>; pass the previous page's token for the next.</summary>
    public Task<ReadResult<ListPage>> ListAsync(
        string ns,
        string? prefix = null,
        int? limit = null,
        string? pageToken = null,
        CancellationToken cancellationToken = default)
    {
        var query = PlatformRoutes.Query(
            ("prefix", prefix),
            ("limit", PlatformRoutes.Text(limit)),
            ("pageToken", pageToken));
        return SendForReadAsync(Request(HttpMethod.Get, PlatformRoutes.Keys(ns) + query), PlatformJsonContext.Default.ListPage, cancellationToken);
    }

    /// <summary>
    /// Every page of one listing, following <c>nextPageToken</c> to the end; all pages reflect the first page's
    /// revision (the server pins it in the token). <paramref name="pageSize"/> is the <c>limit</c> of each page.
    /// </summary>
    public async IAsyncEnumerable<ListPage> ListPagesAsync(
        string ns,
        string? prefix = null,
        int? pageSize = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? pageToken = null;
        do
        {
            var page = (await ListAsync(ns, prefix, pageSize, pageToken, cancellationToken)).Value;
            yield return page;
            pageToken = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
        }
        while (pageToken is not null);
    }

    /// <summary>The past versions of a key, newest bounded by <paramref name="limit"/> when given.</summary>
    public async Task<ReadResult<KeyHistory>> HistoryAsync(
        string ns,
        string key,
        int? limit = null,
        CancellationToken cancellationToken = default)
    {
        using var request = Request(HttpMethod.Get, PlatformRoutes.History(ns, key) + PlatformRoutes.Query(("limit", PlatformRoutes.Text(limit))));
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        using var document = await ReadDocumentAsync(response, cancellationToken);
        return new ReadResult<KeyHistory>(ReadHistory(document.RootElement), ResponseHeaders.ReadMetadata(response));
    }

    /// <summary>Accepts <c>[envelope…]</c> or <c>{revision, items|versions|history: [envelope…]}</c> (the contract leaves the shape open).</summary>
    internal static KeyHistory ReadHistory(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return new KeyHistory(null, root.Deserialize(PlatformJsonContext.Default.ListKeyEnvelope) ?? []);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"a key's history is an array or an object, not {root.ValueKind}");
        }

        long? revision = root.TryGetProperty("revision", out var r) && r.TryGetInt64(out var value) ? value : null;
        foreach (var name in (ReadOnlySpan<string>)["items", "versions", "history"])
        {
            if (root.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array)
            {
                return new KeyHistory(revision, items.Deserialize(PlatformJsonContext.Default.ListKeyEnvelope) ?? []);
            }
        }

        throw new JsonException("a key's history object has no items array");
    }

    private static void AddIfMatch(HttpRequestMessage request, long? ifRevision)
    {
        if (ifRevision is { } revision)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{revision.ToString(CultureInfo.InvariantCulture)}\""));
        }
    }

    private static void AddIdempotencyKey(HttpRequestMessage request, string? idempotencyKey)
    {
        if (!string.IsNullOrEmpty(idempotencyKey))
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
    }
}
