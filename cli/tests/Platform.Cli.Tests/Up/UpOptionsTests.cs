using Platform.Cli.Up;

namespace Platform.Cli.Tests.Up;

public sealed class UpOptionsTests
{
    private static UpOptions Valid() =>
        new(["eu-west", "us-east", "ap-south"], 3, TimeSpan.Zero, ".platform", 7100, 8080, ClusteringKind.Embedded, false);

    [Fact]
    public void The_defaults_of_the_contract_are_valid()
    {
        Assert.Empty(Valid().Validate());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(9)]
    public void Node_counts_must_be_odd_and_bounded(int nodes)
    {
        var problems = (Valid() with { NodesPerRegion = nodes }).Validate();

        Assert.Contains(problems, p => p.StartsWith("--nodes", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void Global_voters_are_at_least_one_node_and_at_most_every_node_of_a_region(int voters, bool valid)
    {
        var problems = (Valid() with { GlobalVoters = voters }).Validate();

        Assert.Equal(valid, !problems.Any(p => p.StartsWith("--global-voters", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("EU-West")]
    [InlineData("-east")]
    [InlineData("a_b")]
    public void Region_names_must_be_dns_labels(string region)
    {
        var problems = (Valid() with { Regions = [region] }).Validate();

        Assert.Contains(problems, p => p.Contains(region, StringComparison.Ordinal));
    }

    [Fact]
    public void A_region_named_twice_is_refused()
    {
        var problems = (Valid() with { Regions = ["eu-west", "eu-west"] }).Validate();

        Assert.Contains(problems, p => p.Contains("named twice", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(64000)]
    public void Base_ports_outside_the_layout_range_are_refused(int basePort)
    {
        var problems = (Valid() with { BasePort = basePort }).Validate();

        Assert.Contains(problems, p => p.StartsWith("--base-port", StringComparison.Ordinal));
    }

    [Fact]
    public void Base_port_zero_asks_for_free_ports()
    {
        Assert.Empty((Valid() with { BasePort = 0, EdgePort = 0 }).Validate());
    }
}
