using System.Net;
using System.Net.Http.Headers;
using Platform.Regional.Chaos;

namespace Platform.Global.Transport;

/// <summary>
/// Calls other nodes' inter-region endpoints over HTTP/2, signed, with the simulated wide-area
/// delay of the pair of regions: half the round trip before the request leaves, half after the
/// answer arrives, so a call costs one round trip as it would between real regions.
/// </summary>
public sealed class InterRegionClient : IInterRegionTransport, IDisposable
{
    private readonly InterRegionOptions options;
    private readonly SocketsHttpHandler handler;
    private readonly HttpClient http;

    /// <summary>For forwarded client requests: a long poll or a watch answers when it answers; its caller cancels it.</summary>
    private readonly HttpClient streaming;
    private readonly TimeProvider clock;
    private readonly ChaosState? chaos;

    public InterRegionClient(InterRegionOptions options, TimeProvider clock, ChaosState? chaos = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.clock = clock;
        this.chaos = chaos;
        handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(2),

            // A peer that vanished without closing its connection is found by a ping, not by a
            // forwarded watch waiting forever on it.
            KeepAlivePingDelay = TimeSpan.FromSeconds(5),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        };
        http = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(10) };
        streaming = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public InterRegionOptions Options => options;

    /// <summary>POSTs <paramref name="body"/> to <paramref name="path"/> on a peer and returns the answer's status and bytes.</summary>
    public async Task<(HttpStatusCode Status, byte[] Body)> PostAsync(PeerEndpoint peer, string path, byte[] body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(peer, path, body, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        await ReturnTripAsync(peer, cancellationToken);
        return (response.StatusCode, answer);
    }

    /// <summary>
    /// POSTs <paramref name="body"/> and returns the answer as soon as its headers arrive (after the
    /// return half of the simulated round trip), its body still streaming: for forwarded watches.
    /// The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> StreamAsync(PeerEndpoint peer, string path, byte[] body, CancellationToken cancellationToken)
    {
        // The answer's headers come within a long poll's longest wait; its body may stream for hours.
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        headers.CancelAfter(StreamHeadersTimeout);
        var response = await SendAsync(peer, path, body, HttpCompletionOption.ResponseHeadersRead, headers.Token);
        try
        {
            await ReturnTripAsync(peer, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(PeerEndpoint peer, string path, byte[] body, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(body);
        if (!CanReach(peer))
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"chaos: {peer.Region}/{peer.Node} is cut off from this node");
        }

        var oneWay = OneWay(peer);
        if (oneWay > TimeSpan.Zero)
        {
            await Task.Delay(oneWay, clock, cancellationToken);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(peer.Address, path))
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var from = $"{options.Region}/{options.NodeName}";
        var timestamp = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var nonce = RequestSignature.NewNonce();
        var digest = RequestSignature.Digest(body);
        request.Headers.Add(RequestSignature.FromHeader, from);
        request.Headers.Add(RequestSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, nonce);
        request.Headers.Add(RequestSignature.BodyDigestHeader, digest);
        request.Headers.Add(RequestSignature.SignatureHeader, RequestSignature.Sign(options.Secret, from, "POST", path, timestamp, nonce, digest));
        var client = completion == HttpCompletionOption.ResponseHeadersRead ? streaming : http;
        return await client.SendAsync(request, completion, cancellationToken);
    }

    private static readonly TimeSpan StreamHeadersTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The answer's half of the simulated round trip.</summary>
    private async Task ReturnTripAsync(PeerEndpoint peer, CancellationToken cancellationToken)
    {
        var oneWay = OneWay(peer);
        if (oneWay > TimeSpan.Zero)
        {
            await Task.Delay(oneWay, clock, cancellationToken);
        }
    }

    /// <summary>Whether chaos lets this node reach the peer now (a stream already open is cut by its reader checking this).</summary>
    public bool CanReach(PeerEndpoint peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return chaos is not { Enabled: true } || (chaos.CanReachRegion(peer.Region) && (peer.Region != options.Region || chaos.CanReachNode(peer.Node)));
    }

    /// <summary>The simulated one-way delay towards a peer (half the pair's round trip), for callers that stream.</summary>
    public TimeSpan OneWayTo(PeerEndpoint peer) => OneWay(peer);

    private TimeSpan OneWay(PeerEndpoint peer) => (options.RoundTripTo(peer.Region) + (chaos?.ExtraLatencyTo(peer.Region) ?? TimeSpan.Zero)) / 2;

    public void Dispose()
    {
        http.Dispose();
        streaming.Dispose();
        handler.Dispose();
    }
}
