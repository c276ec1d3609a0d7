using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Platform.Client.Http;

namespace Platform.LoadTests.Load;

/// <summary>
/// The requests of the measured loops, sent raw over one pooled <see cref="HttpClient"/> rather than
/// through PlatformClient: a refusal must be counted by its status without the cost of an exception,
/// and a read must fetch the value itself (not the JSON envelope), as a configuration reader would.
/// </summary>
public sealed class LoadHttp : IDisposable
{
    private const int SampleChars = 300;
    private readonly HttpClient client;
    private readonly HttpClient streaming;
    private readonly ConcurrentDictionary<int, string> refusals = new();

    public LoadHttp(string token, int connectionsPerServer)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connectionsPerServer,
            // Connections stay open for the whole run: reconnecting would be measured as latency.
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        client = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        streaming = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        streaming.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>The pooled client itself, for requests whose answers a scenario reads (a write's revision).</summary>
    public HttpClient Client => client;

    /// <summary>The same connections without a timeout, for watches that stream until the scenario stops them.</summary>
    public HttpClient StreamingClient => streaming;

    public static Uri KeyUri(Uri node, string ns, string key, string? consistency = null) =>
        new($"{node.GetLeftPart(UriPartial.Authority)}/v1/ns/{Uri.EscapeDataString(ns)}/kv/{KeyPath.Escape(key)}{(consistency is null ? string.Empty : "?consistency=" + consistency)}");

    /// <summary>Writes the value; returns the HTTP status once the whole answer has been read.</summary>
    public async Task<int> PutAsync(Uri uri, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = new ReadOnlyMemoryContent(value) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await StatusOfAsync(response, cancellationToken);
    }

    /// <summary>Writes the value; returns the HTTP status and, for a refusal, the problem's code, once the whole answer has been read.</summary>
    public async Task<WriteAnswer> PutForAnswerAsync(Uri uri, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = new ReadOnlyMemoryContent(value) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var status = await StatusOfAsync(response, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return new WriteAnswer(status, null);
        }

        // The content was buffered whole (ResponseContentRead), so reading it a second time costs no I/O.
        return new WriteAnswer(status, WriteAnswer.ReadCode(await response.Content.ReadAsStringAsync(cancellationToken)));
    }

    /// <summary>Reads the value; returns the HTTP status once the whole answer has been read.</summary>
    public async Task<int> GetAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return await StatusOfAsync(response, cancellationToken);
    }

    /// <summary>
    /// The first answer of each non-2xx status seen (its problem+json body, shortened), so a report can
    /// say why requests were refused, not only how many.
    /// </summary>
    public IReadOnlyDictionary<int, string> RefusalSamples => refusals;

    private async Task<int> StatusOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (!response.IsSuccessStatusCode && !refusals.ContainsKey(status))
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            refusals.TryAdd(status, body.Length > SampleChars ? body[..SampleChars] + "..." : body);
        }

        return status;
    }

    public void Dispose()
    {
        streaming.Dispose();
        client.Dispose();
    }
}
