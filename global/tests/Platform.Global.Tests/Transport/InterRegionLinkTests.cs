using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Global.Transport;

namespace Platform.Global.Tests.Transport;

/// <summary>Two one-node regions connected by the inter-region transport, with an 80 ms simulated WAN round trip.</summary>
[Trait("Category", "Integration")]
public sealed class InterRegionLinkTests : IAsyncLifetime
{
    private static readonly TimeSpan Wan = TimeSpan.FromMilliseconds(80);
    private readonly LinkedRegions regions = new(["eu-west", "us-east"], Wan);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await regions.StartAsync(Cancel);

    public ValueTask DisposeAsync() => regions.DisposeAsync();

    [Fact]
    public async Task Status_shows_the_other_region_reachable_across_one_wan_round_trip()
    {
        using var client = regions.Client("eu-west");
        JsonElement other = default;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(new Uri("/v1/status", UriKind.Relative), Cancel);
            if (response.IsSuccessStatusCode)
            {
                var regions = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("regions").EnumerateArray().ToList();
                other = regions.Single(r => r.GetProperty("name").GetString() == "us-east");
                if (other.GetProperty("reachable").GetBoolean())
                {
                    break;
                }
            }

            await Task.Delay(200, Cancel);
        }

        Assert.True(other.GetProperty("reachable").GetBoolean());
        // Loopback alone answers in about a millisecond; timers on this loaded machine were seen to
        // fire several milliseconds early (73.7 ms measured for 80), so the check is that most of the
        // simulated round trip shows, not its exact length.
        Assert.True(other.GetProperty("rttMs").GetDouble() >= Wan.TotalMilliseconds * 0.75, $"measured {other.GetProperty("rttMs").GetDouble()} ms");
    }

    [Fact]
    public async Task Requests_without_valid_credentials_are_refused_and_each_port_serves_only_its_routes()
    {
        using var h2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var inter = new Uri($"http://127.0.0.1:{regions.InterPort("us-east")}");

        using var unsigned = await h2.PostAsync(new Uri(inter, "/inter/v1/ping"), new ByteArrayContent([]), Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);

        using var forged = new HttpRequestMessage(HttpMethod.Post, new Uri(inter, "/inter/v1/ping"))
        {
            Content = new ByteArrayContent([]),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        forged.Headers.Add(RequestSignature.FromHeader, "eu-west/node-1");
        forged.Headers.Add(RequestSignature.TimestampHeader, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        forged.Headers.Add(RequestSignature.SignatureHeader, new string('0', 64));
        using var refused = await h2.SendAsync(forged, Cancel);
        Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{refused.StatusCode}: {await refused.Content.ReadAsStringAsync(Cancel)}");

        using var clientApi = await h2.GetAsync(new Uri(inter, "/v1/status"), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, clientApi.StatusCode);
        using var http1 = new HttpClient();
        using var interOnClientPort = await http1.PostAsync(new Uri($"http://127.0.0.1:{regions.HttpPort("us-east")}/inter/v1/ping"), new ByteArrayContent([]), Cancel);
        Assert.Equal(HttpStatusCode.NotFound, interOnClientPort.StatusCode);

        // Routing ignores the path's case, so the port guard must too: no internal route answers
        // on the client port, however its path is spelled.
        foreach (var path in new[] { "/INTER/v1/ping", "/Inter/V1/ping", "/inter/V1/readindex/0", "/INTER/v1/stop" })
        {
            using var spelled = await http1.PostAsync(new Uri($"http://127.0.0.1:{regions.HttpPort("us-east")}{path}"), new ByteArrayContent([]), Cancel);
            Assert.True(spelled.StatusCode == HttpStatusCode.NotFound, $"{path} on the client port answered {(int)spelled.StatusCode}: {await spelled.Content.ReadAsStringAsync(Cancel)}");
        }

        // The transport's own client signs, and is answered.
        var links = new InterRegionOptions { Region = "eu-west", NodeName = "node-1", Port = 1, Secret = regions.Secret };
        using var signed = new InterRegionClient(links, TimeProvider.System);
        var (status, body) = await signed.PostAsync(new PeerEndpoint("us-east", "node-1", inter), "/inter/v1/ping", [], Cancel);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("us-east", InterRegionEndpoint.ParsePing(body)!.Region);

        // Every signed request is served once: the same bytes sent again are refused, on a route
        // that acts on data and on one that does not.
        foreach (var path in new[] { "/inter/v1/accept/4294967297", "/inter/v1/ping" })
        {
            var once = Signed(path, "not a command"u8.ToArray());
            var statuses = new List<HttpStatusCode>();
            for (var attempt = 0; attempt < 2; attempt++)
            {
                using var replayable = once.Request(inter);
                using var answer = await h2.SendAsync(replayable, Cancel);
                statuses.Add(answer.StatusCode);
            }

            Assert.True(statuses[0] != HttpStatusCode.Unauthorized, $"{path}: the first use was refused");
            Assert.True(statuses[1] == HttpStatusCode.Unauthorized, $"{path}: the replay answered {statuses[1]}");
        }

        // A body other than the one whose digest was signed is refused.
        var altered = Signed("/inter/v1/ping", "signed"u8.ToArray()) with { Body = "altered"u8.ToArray() };
        using (var request = altered.Request(inter))
        using (var answer = await h2.SendAsync(request, Cancel))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }
    }

    [Fact]
    public async Task An_unsigned_request_is_refused_before_its_body_is_read()
    {
        using var h2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var inter = new Uri($"http://127.0.0.1:{regions.InterPort("us-east")}");
        using var endless = new EndlessStream();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(inter, "/inter/v1/raft/1"))
        {
            Content = new StreamContent(endless),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Add(RequestSignature.FromHeader, "eu-west/node-1");
        request.Headers.Add(RequestSignature.TimestampHeader, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(RequestSignature.NonceHeader, RequestSignature.NewNonce());
        request.Headers.Add(RequestSignature.BodyDigestHeader, RequestSignature.Digest([]));
        request.Headers.Add(RequestSignature.SignatureHeader, new string('0', 64));

        // A body that never ends: a listener that read it before checking would never answer.
        using var answered = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        answered.CancelAfter(TimeSpan.FromSeconds(20));
        using var refused = await h2.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, answered.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.True(endless.Served < 64L << 20, $"the client sent {endless.Served} bytes before the refusal");
    }

    /// <summary>A request signed by hand with the deployment secret, sendable as often as a test likes.</summary>
    private sealed record HandSigned(string Path, long Timestamp, string Nonce, string Digest, string Signature, byte[] Body)
    {
        public HttpRequestMessage Request(Uri inter)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(inter, Path))
            {
                Content = new ByteArrayContent(Body),
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Headers.Add(RequestSignature.FromHeader, "eu-west/node-1");
            request.Headers.Add(RequestSignature.TimestampHeader, Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(RequestSignature.NonceHeader, Nonce);
            request.Headers.Add(RequestSignature.BodyDigestHeader, Digest);
            request.Headers.Add(RequestSignature.SignatureHeader, Signature);
            return request;
        }
    }

    private HandSigned Signed(string path, byte[] body)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var nonce = RequestSignature.NewNonce();
        var digest = RequestSignature.Digest(body);
        return new HandSigned(path, timestamp, nonce, digest, RequestSignature.Sign(regions.Secret, "eu-west/node-1", "POST", path, timestamp, nonce, digest), body);
    }

    /// <summary>A request body that never ends (zeros, a chunk at a time), counting what was taken from it.</summary>
    private sealed class EndlessStream : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Served; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Clear(buffer, offset, count);
            Served += count;
            return count;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            // Slowly enough that the test's own process is not busy sending.
            await Task.Delay(1, cancellationToken);
            buffer.Span.Clear();
            Served += buffer.Length;
            return buffer.Length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }


}
