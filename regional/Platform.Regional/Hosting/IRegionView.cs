namespace Platform.Regional.Hosting;

/// <summary>One region as this node sees it: reachable or not, and the last measured round trip.</summary>
public sealed record RegionReach(string Name, bool Reachable, double RoundTripMs);

/// <summary>The regions this node knows, for <c>/v1/status</c>; a lone region knows only itself.</summary>
public interface IRegionView
{
    IReadOnlyList<RegionReach> Regions { get; }
}

/// <summary>The view of a region not connected to any other.</summary>
public sealed class LoneRegionView(NodeOptions node) : IRegionView
{
    public IReadOnlyList<RegionReach> Regions => [new RegionReach(node.Region, true, 0)];
}
