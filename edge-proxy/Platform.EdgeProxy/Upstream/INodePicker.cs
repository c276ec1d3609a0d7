namespace Platform.EdgeProxy.Upstream;

/// <summary>
/// The nodes the edge may ask, best first: healthy nodes of its own region, then healthy nodes of
/// the nearest other regions (which forward to the home region or the strong-global leader), then,
/// when no node looks healthy, every node of the region anyway (health checks lag a recovery).
/// </summary>
public interface INodePicker
{
    IReadOnlyList<Uri> Candidates();

    /// <summary>
    /// False while no node (of any region) passes its health checks: the region is down or
    /// electing, and the edge answers from what it holds, saying it is stale, without waiting for
    /// a fetch to time out.
    /// </summary>
    bool AnyHealthy { get; }
}
