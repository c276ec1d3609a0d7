using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Platform.Regional.Hosting;
using Platform.Regional.Observability;
using Platform.Regional.Replicas;
using Platform.Regional.StateMachine;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Tests.Replicas;

/// <summary>Three in-process silos, each with its own data directory, write-ahead log and snapshot store.</summary>
public sealed class ReplicatedRegion : IAsyncLifetime
{
    public static readonly string[] Nodes = ["node-1", "node-2", "node-3"];

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((options, silo) =>
        {
            var node = options.SiloName == "Primary" ? Nodes[0] : Nodes[int.Parse(options.SiloName.Split('_')[^1], System.Globalization.CultureInfo.InvariantCulture)];
            silo.Services.PostConfigure<SiloOptions>(o => o.SiloName = node);
            silo.Services.AddNodePinnedPlacement();
            var nodeOptions = new NodeOptions
            {
                Region = "test",
                NodeName = node,
                DataDirectory = Path.Combine(DataDirectory, node),
                RegionNodes = Nodes,
                Groups = 1,
                MinElectionTimeout = TimeSpan.FromMilliseconds(500),
                HeartbeatInterval = TimeSpan.FromMilliseconds(50),
                TickInterval = TimeSpan.FromMilliseconds(10),
            };
            silo.Services.AddSingleton(nodeOptions);
            var identity = new NodeIdentity(nodeOptions, Microsoft.Extensions.Logging.Abstractions.NullLogger<NodeIdentity>.Instance);
            if (!identity.TryLoad())
            {
                identity.Decide(regionHasData: false);
            }

            silo.Services.AddSingleton(identity);
            silo.Services.AddMetrics();
            silo.Services.AddSingleton<RegionalMetrics>();
            silo.Services.AddSingleton<NodeStorage>();
            silo.Services.AddSingleton<NodeReplicas>();
            silo.Services.AddHostedService<ReplicaTicker>();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public IReplicaGrain Replica(string node) => Cluster.Client.GetGrain<IReplicaGrain>(ReplicaGrain.KeyFor(0, node));

    /// <summary>Activates every replica and waits (bounded) until one of them leads.</summary>
    public async Task<string> WaitForLeaderAsync(IEnumerable<string> nodes, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var node in nodes)
            {
                var status = await Replica(node).Status();
                if (status.Role == "Leader")
                {
                    return node;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no leader among {string.Join(',', nodes)} within {bound}");
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }
}

[Trait("Category", "Integration")]
public sealed class ReplicaGrainTests(ReplicatedRegion region) : IClassFixture<ReplicatedRegion>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static byte[] Put(string ns, string key, string value) =>
        GroupCommandCodec.Encode(new NamespaceCommand(ns, new PutCommand(key, System.Text.Encoding.UTF8.GetBytes(value), "text/plain")));

    [Fact]
    public async Task A_write_through_the_leader_is_applied_on_every_node_from_its_own_log()
    {
        var leader = await region.WaitForLeaderAsync(ReplicatedRegion.Nodes, TimeSpan.FromSeconds(20));

        var created = await region.Replica(leader).Propose(GroupCommandCodec.Encode(new CreateNamespaceCommand("payments")));
        var written = await region.Replica(leader).Propose(Put("payments", "limit", "42"));

        Assert.Equal(ProposeStatus.Applied, created.Status);
        Assert.True(written.Succeeded);
        Assert.Equal(1, written.Write!.Revision);
        foreach (var node in ReplicatedRegion.Nodes)
        {
            var value = await Eventually(() => region.Replica(node).ReadLocal("payments", "limit"));
            Assert.Equal("42", System.Text.Encoding.UTF8.GetString(value));
            Assert.True(Directory.GetFiles(Path.Combine(region.DataDirectory, node, "wal"), "*.wal").Length > 0);
        }
    }

    [Fact]
    public async Task A_follower_refuses_a_proposal_and_names_the_leader()
    {
        var leader = await region.WaitForLeaderAsync(ReplicatedRegion.Nodes, TimeSpan.FromSeconds(20));
        var follower = ReplicatedRegion.Nodes.First(n => n != leader);

        var reply = await region.Replica(follower).Propose(Put("payments", "x", "1"));

        Assert.Equal(ProposeStatus.NotLeader, reply.Status);
        Assert.Equal(leader, reply.LeaderNode);
    }

    private static async Task<byte[]> Eventually(Func<Task<byte[]?>> read)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (await read() is { } value)
            {
                return value;
            }

            await Task.Delay(25, Cancel);
        }

        throw new TimeoutException("the value never arrived");
    }
}
