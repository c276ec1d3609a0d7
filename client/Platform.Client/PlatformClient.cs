using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Platform.Client.Http;
using Platform.Client.Models;

namespace Platform.Client;

/// <summary>
/// A client of the <c>/v1</c> HTTP routes of docs/api.md, against one node or edge proxy.
/// Refusals throw <see cref="PlatformProblemException"/>; a node that cannot be reached throws
/// <see cref="HttpRequestException"/> (or <see cref="TaskCanceledException"/> on a timeout).
/// The routes are split by area over the partial files PlatformClient.*.cs.
/// </summary>
public sealed partial class PlatformClient : IDisposable
{
    private readonly HttpClient http;
    private readonly bool ownsHttp;
    private readonly PlatformClientOptions options;
    private readonly EndpointRing endpoints;
    private readonly RevisionFloors floors;

    /// <summary>
    /// A client of one endpoint with its own connection pool, sending <paramref name="token"/> as the
    /// bearer token, without retries (every call is tried once, as a command-line tool wants).
    /// </summary>
    public PlatformClient(Uri endpoint, string? token)
        : this(PlatformClientOptions.Plain(endpoint ?? throw new ArgumentNullException(nameof(endpoint)), token))
    {
    }

    /// <summary>
    /// A client over the caller's <paramref name="httpClient"/> (its <see cref="HttpClient.BaseAddress"/>
    /// is the endpoint); the caller keeps ownership. <paramref name="token"/>, when given, is sent on every request.
    /// </summary>
    public PlatformClient(HttpClient httpClient, string? token = null)
        : this(httpClient, PlatformClientOptions.Plain(
            httpClient?.BaseAddress ?? throw new ArgumentException("the HttpClient needs a BaseAddress", nameof(httpClient)), token))
    {
    }

    /// <summary>A client of several endpoints with failover and retries (<see cref="PlatformClientOptions"/>), with its own connection pool.</summary>
    public PlatformClient(PlatformClientOptions options)
        : this(NewHttpClient(), options, ownsHttp: true, floors: null)
    {
    }

    /// <summary>
    /// A client over an <see cref="HttpClient"/> the caller owns (from <c>IHttpClientFactory</c>),
    /// with the endpoints, token and retries of <paramref name="options"/>.
    /// </summary>
    public PlatformClient(HttpClient httpClient, PlatformClientOptions options)
        : this(httpClient ?? throw new ArgumentNullException(nameof(httpClient)), options, ownsHttp: false, floors: null)
    {
    }

    /// <summary>Shares <paramref name="floors"/> between the short-lived clients a factory makes, so reads stay monotonic across them.</summary>
    internal PlatformClient(HttpClient httpClient, PlatformClientOptions options, bool ownsHttp, RevisionFloors? floors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1);
        http = httpClient;
        this.ownsHttp = ownsHttp;
        this.options = options;
        endpoints = new EndpointRing(options.Endpoints, options.EndpointCooldown, options.TimeProvider);
        this.floors = floors ?? new RevisionFloors();
    }

    // Watches hold a connection open for as long as they run; no request-wide timeout applies to
    // reading their body (ResponseHeadersRead), and a connect timeout keeps a dead node from hanging a call.
    private static HttpClient NewHttpClient() =>
        new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) }, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    // Each try is bounded by PlatformClientOptions.AttemptTimeout instead of HttpClient.Timeout, so a
    // frozen endpoint costs one attempt, not the whole call.

    /// <summary>The endpoint this client sends to now (the first of its endpoints that has not failed lately).</summary>
    public Uri Endpoint => endpoints.Current;

    /// <summary>Every endpoint this client may use, best first.</summary>
    public IReadOnlyList<Uri> Endpoints => endpoints.All;

    /// <summary>The highest revision this client has seen of <paramref name="ns"/> (what its reads present as <c>minRevision</c>).</summary>
    public long? LastSeenRevision(string ns) => floors.Of(ns);

    public void Dispose()
    {
        if (ownsHttp)
        {
            http.Dispose();
        }
    }

    /// <summary>A request template: relative to whichever endpoint each attempt goes to.</summary>
    private static HttpRequestMessage Request(HttpMethod method, string relative) =>
        new(method, new Uri(relative, UriKind.Relative));

    private static HttpRequestMessage WithJson<T>(HttpRequestMessage request, T body, JsonTypeInfo<T> type)
    {
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, type));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return request;
    }

    /// <summary>
    /// Sends <paramref name="template"/> (relative) to the current endpoint with the bearer token;
    /// any non-success answer becomes a <see cref="PlatformProblemException"/>. Reads, and writes
    /// that carry an <c>Idempotency-Key</c>, are tried again (up to <see cref="PlatformClientOptions.MaxAttempts"/>)
    /// after a transport failure, 429, 502, 503 or 504, on the next endpoint when this one failed,
    /// after a jittered backoff that honours <c>Retry-After</c>; any request is tried again when the
    /// connection was refused (it never left). A read presents the namespace's revision floor.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage template, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var relative = template.RequestUri?.OriginalString ?? throw new ArgumentException("a request needs a relative URI", nameof(template));
        var ns = RequestShapes.Namespace(relative);
        if (options.AddIdempotencyKeys && RequestShapes.TakesIdempotencyKey(template.Method, relative) && !template.Headers.Contains(RequestShapes.IdempotencyHeader))
        {
            template.Headers.Add(RequestShapes.IdempotencyHeader, Guid.NewGuid().ToString("N"));
        }

        var safe = template.Method == HttpMethod.Get || template.Method == HttpMethod.Head || template.Headers.Contains(RequestShapes.IdempotencyHeader);
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = endpoints.Current;
            var floor = options.MonotonicReads && ns is not null && RequestShapes.IsFloorableRead(template.Method, relative) ? floors.Of(ns) : null;
            var request = Attempt(template, endpoint, floor is { } f ? RequestShapes.WithMinRevision(relative, f) : relative);
            HttpResponseMessage response;
            try
            {
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bounded.CancelAfter(options.AttemptTimeout);
                response = await http.SendAsync(request, completion, bounded.Token);
            }
            catch (Exception failure) when (IsTransport(failure, cancellationToken))
            {
                endpoints.Failed(endpoint);
                if (attempt >= options.MaxAttempts || !(safe || RequestShapes.NeverSent(failure)))
                {
                    throw;
                }

                await DelayAsync(attempt, null, cancellationToken);
                continue;
            }

            if (response.IsSuccessStatusCode)
            {
                if (ns is not null)
                {
                    floors.Saw(ns, ResponseHeaders.ReadMetadata(response).Revision);
                }

                return response;
            }

            var status = (int)response.StatusCode;
            var retryAfter = ResponseHeaders.RetryAfter(response);
            using (response)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                var problem = PlatformProblemException.FromResponse(status, response.Content.Headers.ContentType?.MediaType, body, retryAfter);
                if (floor is not null && problem.Code == "Diverged" && attempt < options.MaxAttempts)
                {
                    // The floor lay on a branch a failover cut off: read again from the present.
                    floors.Forget(ns!);
                    continue;
                }

                if (attempt >= options.MaxAttempts || !safe || status is not (429 or 502 or 503 or 504))
                {
                    throw problem;
                }

                if (status != 429)
                {
                    endpoints.Failed(endpoint);
                }
            }

            await DelayAsync(attempt, retryAfter, cancellationToken);
        }
    }

    /// <summary>One try of a template: its own message (a message is sent once), the template's headers and content.</summary>
    private HttpRequestMessage Attempt(HttpRequestMessage template, Uri endpoint, string relative)
    {
        var request = new HttpRequestMessage(template.Method, PlatformRoutes.Absolute(endpoint, relative))
        {
            Content = template.Content,
            Version = template.Version,
            VersionPolicy = template.VersionPolicy,
        };
        foreach (var (name, values) in template.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, values);
        }

        if (options.Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        }

        return request;
    }

    private Task DelayAsync(int attempt, TimeSpan? retryAfter, CancellationToken cancellationToken) =>
        Task.Delay(RetryDelays.Next(attempt, options.BaseDelay, options.MaxDelay, retryAfter, Random.Shared), options.TimeProvider, cancellationToken);

    /// <summary>The request did not get an answer: the connection, a timeout of the client's own (not the caller's cancellation).</summary>
    private static bool IsTransport(Exception failure, CancellationToken cancellationToken) => failure switch
    {
        _ when cancellationToken.IsCancellationRequested => false,
        HttpRequestException or IOException or TimeoutException => true,
        TaskCanceledException => true,

        // A connection reset as it opens can escape SocketsHttpHandler unwrapped (seen on a busy CI
        // machine: "Transport endpoint is not connected" from the socket's RemoteEndPoint).
        System.Net.Sockets.SocketException => true,
        _ => false,
    };

    private async Task<T> SendForJsonAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken))
        {
            return await ReadJsonAsync(response, type, cancellationToken);
        }
    }

    private async Task<ReadResult<T>> SendForReadAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken))
        {
            return new ReadResult<T>(await ReadJsonAsync(response, type, cancellationToken), ResponseHeaders.ReadMetadata(response));
        }
    }

    private async Task SendForNothingAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        using (await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken))
        {
        }
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync(body, type, cancellationToken)
            ?? throw new JsonException($"the answer to {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} had an empty (null) body");
    }

    private static async Task<JsonDocument> ReadDocumentAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
    }
}
