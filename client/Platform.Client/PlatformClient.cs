using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Platform.Client.Http;
using Platform.Client.Models;

namespace Platform.Client;

/// <summary>
/// A client of the <c>/v1</c> HTTP routes of shared/API.md, against one node or edge proxy.
/// Refusals throw <see cref="PlatformProblemException"/>; a node that cannot be reached throws
/// <see cref="HttpRequestException"/> (or <see cref="TaskCanceledException"/> on a timeout).
/// The routes are split by area over the partial files PlatformClient.*.cs.
/// </summary>
public sealed partial class PlatformClient : IDisposable
{
    private readonly HttpClient http;
    private readonly bool ownsHttp;
    private readonly Uri endpoint;
    private readonly string? token;

    /// <summary>A client with its own connection pool, sending <paramref name="token"/> as the bearer token.</summary>
    public PlatformClient(Uri endpoint, string? token)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("the endpoint must be an absolute URI such as http://127.0.0.1:7101", nameof(endpoint));
        }

        // Watches hold a connection open for as long as they run; no request-wide timeout applies to
        // reading their body (ResponseHeadersRead), and a connect timeout keeps a dead node from hanging a call.
        http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) }, disposeHandler: true);
        ownsHttp = true;
        this.endpoint = endpoint;
        this.token = token;
    }

    /// <summary>
    /// A client over the caller's <paramref name="httpClient"/> (its <see cref="HttpClient.BaseAddress"/>
    /// is the endpoint); the caller keeps ownership. <paramref name="token"/>, when given, is sent on every request.
    /// </summary>
    public PlatformClient(HttpClient httpClient, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        endpoint = httpClient.BaseAddress ?? throw new ArgumentException("the HttpClient needs a BaseAddress", nameof(httpClient));
        http = httpClient;
        this.token = token;
    }

    /// <summary>The node or edge proxy this client talks to.</summary>
    public Uri Endpoint => endpoint;

    public void Dispose()
    {
        if (ownsHttp)
        {
            http.Dispose();
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string relative) =>
        new(method, PlatformRoutes.Absolute(endpoint, relative));

    private static HttpRequestMessage WithJson<T>(HttpRequestMessage request, T body, JsonTypeInfo<T> type)
    {
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, type));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return request;
    }

    /// <summary>Sends with the bearer token; any non-success answer becomes a <see cref="PlatformProblemException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await http.SendAsync(request, completion, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw PlatformProblemException.FromResponse(
                (int)response.StatusCode,
                response.Content.Headers.ContentType?.MediaType,
                body,
                ResponseHeaders.RetryAfter(response));
        }
    }

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
