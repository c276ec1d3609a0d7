using System.Net;
using System.Net.Http.Headers;
using Platform.Cli.Tests.Processes;
using Platform.Client;
using Platform.Regional.Security;

namespace Platform.EdgeProxy.Tests.Processes;

/// <summary>
/// A one-node region (a real `platform node`, restartable on its data) and a real `platform edge`
/// in front of it, shared by the edge's process tests. The edge checks tokens again after 5 s and
/// honours a check for at most 12 s, so revocations and the staleness bound show within a test.
/// Each test works in namespaces of its own.
/// </summary>
public sealed class EdgeRegion : IAsyncLifetime
{
    public const string RegionName = "edge";
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    public EdgeRegion()
    {
        Token = TokenHash.NewToken();
        Node = new NodeProcess(RegionName, "node-1", ["node-1"], dataDirectory, 2, TokenHash.Of(Token));
    }

    public string Token { get; }

    internal NodeProcess Node { get; }

    internal EdgeProcess Edge { get; private set; } = null!;

    public static readonly string[] EdgeArguments = ["--token-max-staleness", "12s"];

    public async ValueTask InitializeAsync()
    {
        var cancel = TestContext.Current.CancellationToken;
        Node.Start();
        await WaitReadyAsync(TimeSpan.FromSeconds(90), cancel);
        Edge = await EdgeProcess.StartAsync(RegionName, [Node.Http], Token, EdgeArguments, cancel);
    }

    /// <summary>Until the node answers /readyz with 200 (every group led, caught up).</summary>
    internal async Task WaitReadyAsync(TimeSpan bound, CancellationToken cancel)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var answer = await http.GetAsync(new Uri(Node.Http, "/readyz"), cancel);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception notYet) when (notYet is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
            {
                // Starting.
            }

            await Task.Delay(200, cancel);
        }

        throw new TimeoutException($"the node was not ready within {bound}\n{Node.OutputTail()}");
    }

    /// <summary>A client of the node itself (writes that do not pass the edge).</summary>
    public PlatformClient NodeClient() => new(Node.Http, Token);

    /// <summary>A client of the edge (HTTP/1.1).</summary>
    public PlatformClient EdgeClient(string? token = null) => new(Edge.Http, token ?? Token);

    /// <summary>A raw HTTP client of the edge with a bearer token, for headers the SDK does not surface.</summary>
    public HttpClient EdgeHttp(string? token = null, bool http2 = false)
    {
        var http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true, MaxConnectionsPerServer = 64, ConnectTimeout = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = http2 ? Edge.Http2 : Edge.Http,
            Timeout = TimeSpan.FromMinutes(3),
        };
        if (http2)
        {
            http.DefaultRequestVersion = HttpVersion.Version20;
            http.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        return http;
    }

    /// <summary>Creates a namespace homed in the region (the whole platform here) through the node.</summary>
    public async Task<string> NamespaceAsync(string prefix, CancellationToken cancel)
    {
        var ns = $"{prefix}-{Guid.NewGuid():N}"[..20];
        using var client = NodeClient();
        await client.PutNamespaceAsync(ns, new Platform.Client.Models.NamespaceSpec(Platform.Client.Models.NamespaceSpec.LocalCommit, RegionName), cancel);
        return ns;
    }

    public async ValueTask DisposeAsync()
    {
        Edge?.Dispose();
        Node.Dispose();
        await Task.Yield();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held; the temp folder is cleaned eventually.
        }
    }
}

[CollectionDefinition(nameof(EdgeRegion), DisableParallelization = true)]
public sealed class EdgeRegionTests : ICollectionFixture<EdgeRegion>;
