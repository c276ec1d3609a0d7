using Platform.Cli.Up;
using Platform.Regional.Security;

namespace Platform.Cli.Tests.Processes;

/// <summary>
/// A region of three real nodes whose Orleans membership lives in Azure Table Storage (Azurite),
/// as in a deployment: each node listens on, and advertises, an address of its own (--address;
/// 127.0.0.2 here, still loopback), so the silos find each other only through what the table says.
/// </summary>
[Trait("Category", "Integration")]
[Collection(nameof(AzuriteClusteringTests))]
public sealed class AzuriteClusteringTests : IDisposable
{
    private static readonly string[] Names = ["node-1", "node-2", "node-3"];
    private const string Address = "127.0.0.2";
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));
    private readonly AzuriteChild azurite = AzuriteChild.Start(TimeSpan.FromSeconds(30));
    private readonly List<NodeProcess> nodes = [];
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string token = TokenHash.NewToken();
    private readonly RegionApi api;

    public AzuriteClusteringTests()
    {
        api = new RegionApi(token);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        foreach (var node in nodes)
        {
            node.Dispose();
        }

        azurite.Dispose();
        api.Dispose();
        http.Dispose();
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Three_nodes_on_azure_table_clustering_and_their_own_address_form_a_region_elect_leaders_and_serve_a_write_and_a_linearizable_read()
    {
        nodes.AddRange(Names.Select(name => new NodeProcess("az", name, Names, dataDirectory, groups: 2, TokenHash.Of(token), azureTables: azurite.ConnectionString) { Address = Address }));
        foreach (var node in nodes)
        {
            node.Start();
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var leaders = new HashSet<string?>();
        while (DateTime.UtcNow < deadline)
        {
            var views = new List<ReadyView>();
            foreach (var node in nodes)
            {
                if (await node.ReadyAsync(http, Cancel) is { Ready: true } view)
                {
                    views.Add(view);
                }
            }

            if (views.Count == nodes.Count)
            {
                leaders = [.. views.Select(v => v.Group(0).Leader)];
                break;
            }

            await Task.Delay(250, Cancel);
        }

        var leader = Assert.Single(leaders);
        Assert.Contains(leader, Names);
        Assert.False(File.Exists(Path.Combine(dataDirectory, "az", "membership.json")), "the embedded membership file must not be used");
        Assert.All(nodes, node => Assert.False(Listens("127.0.0.1", node.HttpPort) || Listens("127.0.0.1", node.SiloPort), $"{node.Name} listens on 127.0.0.1 despite --address {Address}"));

        // Through the API: create a namespace and write on one node, read it linearizably on another.
        await api.CreateNamespaceAsync(nodes[0], "azns", "az", Cancel);
        var written = await api.PutAsync(nodes[1], "azns", "greeting", "hello from azurite", Cancel);
        Assert.True(written.Status == WriteStatus.Done, $"write: {written.Problem}");
        var read = await api.GetAsync(nodes[2], "azns", "greeting", "linearizable", Cancel);
        Assert.True(read.Status == ReadStatus.Found, $"read: {read.HttpStatus} {read.Problem}");
        Assert.Equal("hello from azurite", read.Value);
        Assert.Equal(written.Revision, read.ModRevision);
    }

    private static bool Listens(string address, int port)
    {
        try
        {
            using var probe = new System.Net.Sockets.TcpClient();
            probe.Connect(System.Net.IPAddress.Parse(address), port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}

/// <summary>Process collections run one at a time (docs/pitfalls.md, The build machine).</summary>
[CollectionDefinition(nameof(AzuriteClusteringTests), DisableParallelization = true)]
public sealed class AzuriteClusteringSuite;
