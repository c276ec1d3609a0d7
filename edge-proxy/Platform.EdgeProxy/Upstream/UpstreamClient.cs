using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Client.Models;
using Platform.EdgeProxy.Caching;
using Platform.EdgeProxy.Hosting;
using Platform.EdgeProxy.Observability;
using Platform.EdgeProxy.Security;

namespace Platform.EdgeProxy.Upstream;

/// <summary>
/// The edge's own requests to the region: miss fetches and the namespace watches under the edge's
/// token, token checks under the client's. Each tries the picked nodes in turn while they cannot be
/// reached or have no leader, and counts itself under its kind.
/// </summary>
public sealed class UpstreamClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient http;
    private readonly INodePicker nodes;
    private readonly EdgeOptions options;
    private readonly EdgeMetrics metrics;

    public UpstreamClient(INodePicker nodes, EdgeOptions options, EdgeMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.nodes = nodes;
        this.options = options;
        this.metrics = metrics;
        http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(1),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = 1024,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>
    /// Reads a key (serializable, once the node has applied <paramref name="minRevision"/>): a value,
    /// a negative answer, or a problem to relay. Throws <see cref="UpstreamUnavailableException"/>
    /// when no node answers in time.
    /// </summary>
    public async Task<FetchResult> FetchAsync(string ns, string key, long minRevision, CancellationToken cancellationToken)
    {
        var query = minRevision > 0
            ? $"?consistency=serializable&format=json&minRevision={minRevision.ToString(CultureInfo.InvariantCulture)}&timeout=2s"
            : "?consistency=serializable&format=json";
        var path = $"/v1/ns/{Uri.EscapeDataString(ns)}/kv/{EscapeKey(key)}{query}";
        return await SendAsync(UpstreamKind.Fetch, path, options.Token, options.FetchTimeout, async (response, region, cancel) =>
        {
            var revision = HeaderLong(response, "X-Config-Revision");
            var body = await response.Content.ReadAsByteArrayAsync(cancel);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var envelope = JsonSerializer.Deserialize<KeyEnvelope>(body, Json) ?? throw new JsonException("an empty envelope");
                var observed = Math.Max(revision ?? envelope.Revision, envelope.ModRevision);
                return new FetchResult(FetchStatus.Known, CachedValue.Present(
                    envelope.Value ?? [], envelope.ContentType ?? "application/octet-stream", envelope.CreateRevision, envelope.ModRevision, envelope.Version, observed), region);
            }

            if (response.StatusCode == HttpStatusCode.NotFound && ProblemCode(body) == "KeyNotFound" && revision is { } at)
            {
                return new FetchResult(FetchStatus.Known, CachedValue.Absent(at), region);
            }

            return new FetchResult(FetchStatus.Relayed, null, region, (int)response.StatusCode, body, response.Content.Headers.ContentType?.ToString());
        }, cancellationToken);
    }

    /// <summary>The client token's name and grants; null when the region does not know the token (401).</summary>
    public async Task<EdgeCaller?> WhoIsAsync(string token, CancellationToken cancellationToken) =>
        await SendAsync(UpstreamKind.Auth, "/v1/tokens/self", token, options.FetchTimeout, async (response, _, cancel) =>
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                return null;
            }

            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                // The region limits lookups of unknown tokens per address, and this edge is one.
                throw new UpstreamOverloadedException("the region refused the token check: too many unknown tokens from this edge");
            }

            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new UpstreamUnavailableException($"the region answered {(int)response.StatusCode} to a token check");
            }

            var self = JsonSerializer.Deserialize<TokenSelf>(await response.Content.ReadAsByteArrayAsync(cancel), Json) ?? throw new JsonException("an empty token answer");
            return new EdgeCaller(self.Name, self.Grants);
        }, cancellationToken);

    /// <summary>The namespace as the catalog shows it (mode, home, each region's lag); null on 404 NamespaceNotFound.</summary>
    public async Task<NamespaceInfo?> CatalogAsync(string ns, CancellationToken cancellationToken) =>
        await SendAsync(UpstreamKind.Catalog, $"/v1/namespaces/{Uri.EscapeDataString(ns)}", options.Token, options.FetchTimeout, async (response, _, cancel) =>
            response.StatusCode switch
            {
                HttpStatusCode.OK => JsonSerializer.Deserialize<NamespaceInfo>(await response.Content.ReadAsByteArrayAsync(cancel), Json),

                // A name the catalog refuses to look up (400) is one no namespace has: as final as 404.
                HttpStatusCode.NotFound or HttpStatusCode.BadRequest => null,

                // The edge's own token refused: asking again changes nothing until an operator acts.
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => throw new UpstreamRefusedException($"the catalog refused the edge's token ({(int)response.StatusCode})"),
                _ => throw new UpstreamUnavailableException($"the catalog answered {(int)response.StatusCode}"),
            }, cancellationToken);

    /// <summary>
    /// Opens the namespace's event stream after <paramref name="since"/> (from now when null) on the
    /// first node that answers; the caller owns and disposes the response, whatever its status.
    /// </summary>
    public async Task<HttpResponseMessage> OpenWatchAsync(string ns, long? since, CancellationToken cancellationToken)
    {
        var path = $"/v1/ns/{Uri.EscapeDataString(ns)}/watch" + (since is { } after ? $"?since={after.ToString(CultureInfo.InvariantCulture)}" : string.Empty);
        Exception? last = null;
        foreach (var node in nodes.Candidates())
        {
            metrics.Upstream(UpstreamKind.Watch);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connect.CancelAfter(options.FetchTimeout);
            try
            {
                var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, connect.Token);
                if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout)
                {
                    response.Dispose();
                    last = new UpstreamUnavailableException($"{node} answered {(int)response.StatusCode}");
                    continue;
                }

                return response;
            }
            catch (Exception failure) when (failure is HttpRequestException || (failure is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                last = failure;
            }
        }

        throw new UpstreamUnavailableException("no node of the region (or of another) opened the watch", last);
    }

    private async Task<T> SendAsync<T>(UpstreamKind kind, string path, string token, TimeSpan timeout, Func<HttpResponseMessage, string, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        Exception? last = null;
        foreach (var node in nodes.Candidates())
        {
            metrics.Upstream(kind);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);

                // No leader, not caught up, or a gateway's failure: another node (or region) may do better.
                if ((int)response.StatusCode is 502 or 503 or 504)
                {
                    last = new UpstreamUnavailableException($"{node} answered {(int)response.StatusCode}");
                    continue;
                }

                var region = response.Headers.TryGetValues("X-Config-Region", out var regions) ? regions.First() : string.Empty;
                return await read(response, region, deadline.Token);
            }
            catch (Exception failure) when (failure is HttpRequestException or JsonException || (failure is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                last = failure;
                if (deadline.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new UpstreamUnavailableException($"no node answered the {EdgeMetrics.Text(kind)} request", last);
    }

    private static long? HeaderLong(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) && long.TryParse(values.First(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static string? ProblemCode(byte[] body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Keys keep their slashes in the path; every other reserved character is escaped.</summary>
    public static string EscapeKey(string key) => string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    public void Dispose() => http.Dispose();
}
