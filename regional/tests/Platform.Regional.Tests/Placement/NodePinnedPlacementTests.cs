using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Platform.Regional.Hosting;
using Platform.Regional.Placement;

namespace Platform.Regional.Tests.Placement;

public interface IWhereAmIGrain : IGrainWithStringKey
{
    Task<string> NodeName();
}

[NodePinnedPlacement]
public sealed class WhereAmIGrain(ILocalSiloDetails silo) : Grain, IWhereAmIGrain
{
    public Task<string> NodeName() => Task.FromResult(silo.Name);
}

/// <summary>Three in-process silos named node-1..node-3, with the pinning director.</summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((options, silo) =>
        {
            var nodeName = options.SiloName switch
            {
                "Primary" => "node-1",
                var name => $"node-{int.Parse(name.Split('_')[^1], System.Globalization.CultureInfo.InvariantCulture) + 1}",
            };

            // TestingHost sets SiloName itself; PostConfigure runs after it.
            silo.Services.PostConfigure<SiloOptions>(o => o.SiloName = nodeName);
            silo.Services.AddNodePinnedPlacement();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

[Trait("Category", "Integration")]
public sealed class NodePinnedPlacementTests(ThreeNodeCluster fixture) : IClassFixture<ThreeNodeCluster>
{
    [Theory]
    [InlineData("node-1")]
    [InlineData("node-2")]
    [InlineData("node-3")]
    public async Task A_grain_activates_on_the_node_its_key_names(string node)
    {
        var grain = fixture.Cluster.Client.GetGrain<IWhereAmIGrain>(ReplicaKey.For("g0", node));

        Assert.Equal(node, await grain.NodeName());
    }

    [Fact]
    public async Task A_key_naming_an_unknown_node_is_refused_rather_than_placed_elsewhere()
    {
        var grain = fixture.Cluster.Client.GetGrain<IWhereAmIGrain>(ReplicaKey.For("g0", "node-9"));

        var refused = await Assert.ThrowsAnyAsync<Exception>(grain.NodeName);
        Assert.Contains("node-9", refused.ToString(), StringComparison.Ordinal);
    }
}
