using System.Net;
using System.Net.Http.Headers;
using Platform.Regional.Chaos;

namespace Platform.Global.Transport;

/// <summary>
/// Calls other nodes' inter-region endpoints over HTTP/2, signed, with the simulated wide-area
/// delay of the pair of regions: half the round trip before the request leaves, half after the
/// answer arrives, so a call costs one round trip as it would between real regions.
/// </summary>
public sealed class InterRegionClient : IDisposable
{
    private readonly InterRegionOptions options;
    private readonly HttpClient http;
    private readonly TimeProvider clock;
    private readonly ChaosState? chaos;

    public InterRegionClient(InterRegionOptions options, TimeProvider clock, ChaosState? chaos = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.clock = clock;
        this.chaos = chaos;
        http = new HttpClient(new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(2),
        })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    public InterRegionOptions Options => options;

    /// <summary>POSTs <paramref name="body"/> to <paramref name="path"/> on a peer and returns the answer's status and bytes.</summary>
    public async Task<(HttpStatusCode Status, byte[] Body)> PostAsync(PeerEndpoint peer, string path, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(body);
        if (chaos is { Enabled: true } && (!chaos.CanReachRegion(peer.Region) || (peer.Region == options.Region && !chaos.CanReachNode(peer.Node))))
        {
            throw new HttpRequestException($"chaos: {peer.Region}/{peer.Node} is cut off from this node");
        }

        var oneWay = (options.RoundTripTo(peer.Region) + (chaos?.ExtraLatencyTo(peer.Region) ?? TimeSpan.Zero)) / 2;
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
        request.Headers.Add(RequestSignature.FromHeader, from);
        request.Headers.Add(RequestSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.SignatureHeader, RequestSignature.Sign(options.Secret, from, "POST", path, timestamp, body));
        using var response = await http.SendAsync(request, cancellationToken);
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (oneWay > TimeSpan.Zero)
        {
            await Task.Delay(oneWay, clock, cancellationToken);
        }

        return (response.StatusCode, answer);
    }

    public void Dispose() => http.Dispose();
}
