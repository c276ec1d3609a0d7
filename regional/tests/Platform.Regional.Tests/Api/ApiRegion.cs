using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Platform.Regional.Hosting;
using Platform.Regional.Security;

namespace Platform.Regional.Tests.Api;

/// <summary>
/// A real three-node region in this test process: three node hosts (each an Orleans silo with its
/// replicas, WAL and Kestrel on 127.0.0.1), embedded file clustering, one bootstrap admin token.
/// </summary>
public class ApiRegion : IAsyncLifetime
{
    /// <summary>Applied entries between snapshots; a small number makes a catching-up replica need one.</summary>
    protected virtual long SnapshotEveryEntries => 10_000;

    /// <summary>Entries kept before a snapshot when the log is compacted.</summary>
    protected virtual long SnapshotCatchUpEntries => 1000;

    /// <summary>Bytes per streamed snapshot chunk; a small number makes a transfer take many.</summary>
    protected virtual int SnapshotChunkBytes => 256 * 1024;

    public static readonly string[] Nodes = ["node-1", "node-2", "node-3"];

    private readonly List<WebApplication?> hosts = [];
    private readonly List<(NodeOptions Options, NodeEndpoints Ports)> nodes = [];
    private readonly List<HttpClient> clients = [];

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "platform-tests", "api-" + Guid.NewGuid().ToString("N"));

    public string AdminToken { get; } = TokenHash.NewToken();

    public IReadOnlyList<Uri> Endpoints { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var endpoints = new List<Uri>();
        foreach (var node in Nodes)
        {
            var ports = new NodeEndpoints(FreePort(), FreePort(), FreePort());
            var options = new NodeOptions
            {
                Region = "test",
                NodeName = node,
                DataDirectory = Path.Combine(DataDirectory, node),
                RegionNodes = Nodes,
                Groups = 2,
                AdminTokenHash = TokenHash.Of(AdminToken),
                SnapshotEveryEntries = SnapshotEveryEntries,
                SnapshotChunkBytes = SnapshotChunkBytes,
                SnapshotCatchUpEntries = SnapshotCatchUpEntries,
            };
            nodes.Add((options, ports));
            hosts.Add(NodeHost.Build(options, ports, MembershipFile));
            endpoints.Add(new Uri($"http://127.0.0.1:{ports.HttpPort}"));
        }

        Endpoints = endpoints;
        await Task.WhenAll(hosts.Select(h => h!.StartAsync()));
        foreach (var endpoint in endpoints)
        {
            clients.Add(Client(endpoint, AdminToken));
        }

        await WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
    }

    private string MembershipFile => Path.Combine(DataDirectory, "membership.json");

    /// <summary>The data directory of node <paramref name="index"/> (0-based).</summary>
    public string NodeDirectory(int index) => nodes[index].Options.DataDirectory;

    /// <summary>Stops node <paramref name="index"/>'s host (its silo leaves the cluster).</summary>
    public async Task StopNodeAsync(int index)
    {
        var host = hosts[index] ?? throw new InvalidOperationException($"node {index} is not running");
        hosts[index] = null;
        await host.StopAsync();
        await host.DisposeAsync();
    }

    /// <summary>Starts node <paramref name="index"/> again on the same ports, over whatever its data directory holds.</summary>
    public async Task StartNodeAsync(int index)
    {
        var (options, ports) = nodes[index];
        var host = NodeHost.Build(options, ports, MembershipFile);
        hosts[index] = host;
        await host.StartAsync();
    }

    /// <summary>An admin client of node <paramref name="index"/> (0-based).</summary>
    public HttpClient Admin(int index = 0) => clients[index];

    public static HttpClient Client(Uri endpoint, string? token)
    {
        var client = new HttpClient { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private async Task WaitUntilReadyAsync(TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            var ready = 0;
            foreach (var client in clients)
            {
                try
                {
                    using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
                    ready += response.IsSuccessStatusCode ? 1 : 0;
                }
                catch (HttpRequestException)
                {
                    // Still starting.
                }
            }

            if (ready == clients.Count)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the region was not ready within {bound}");
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A free port, never one already handed to another region of this test process.</summary>
    private static int FreePort()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        foreach (var host in hosts.OfType<WebApplication>())
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }

        Directory.Delete(DataDirectory, recursive: true);
        GC.SuppressFinalize(this);
    }
}

/// <summary>The API test classes share one region (each uses its own namespaces), started once.</summary>
[CollectionDefinition(Name)]
public sealed class SharedApiRegion : ICollectionFixture<ApiRegion>
{
    public const string Name = "api-region";
}
