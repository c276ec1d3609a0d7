using Platform.Cli.Up;

namespace Platform.Cli.Tests.Up;

public sealed class LocalTopologyTests
{
    private static UpOptions Options(int basePort = 7100, int nodes = 3, params string[] regions) =>
        new(regions.Length == 0 ? ["eu-west", "us-east", "ap-south"] : regions, nodes, TimeSpan.Zero, ".platform", basePort, 8080, ClusteringKind.Embedded, false);

    [Fact]
    public void First_node_of_first_region_matches_the_cluster_json_example()
    {
        var plan = LocalTopology.Plan(Options());

        var node = plan[0].Nodes[0];
        Assert.Equal(("eu-west", "node-1", "http://127.0.0.1:7101", 11101, 12101), (node.Region, node.Name, node.HttpUrl, node.SiloPort, node.GatewayPort));
        Assert.Equal("http://127.0.0.1:7199", plan[0].InterRegionUrl);
        Assert.Equal("http://127.0.0.1:8080", plan[0].EdgeUrl);
    }

    [Fact]
    public void Every_port_in_a_nine_node_layout_is_distinct()
    {
        var plan = LocalTopology.Plan(Options(nodes: 5, regions: ["a", "b", "c", "d", "e", "f", "g", "h", "i"]));

        var ports = plan.SelectMany(r => r.Nodes.SelectMany(n => new[] { n.HttpPort, n.SiloPort, n.GatewayPort }).Append(r.InterRegionPort).Append(r.EdgePort).Append(r.EdgeHttp2Port)).ToList();
        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.Equal(9 * ((5 * 3) + 3), ports.Count);
    }

    [Fact]
    public void Later_regions_take_the_next_hundred_and_the_next_edge_port()
    {
        var plan = LocalTopology.Plan(Options());

        Assert.Equal(7203, plan[1].Nodes[2].HttpPort);
        Assert.Equal(7399, plan[2].InterRegionPort);
        Assert.Equal(8082, plan[2].EdgePort);
        Assert.Equal(9082, plan[2].EdgeHttp2Port);
    }
}
