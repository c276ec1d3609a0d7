namespace Platform.Regional.Chaos;

public enum ChaosKind
{
    Partition,
    Latency,
    Isolate,
    Heal,
}

/// <summary>One chaos route's action, as it travels to the other nodes of the region when a route is asked for the whole region (<c>?scope=region</c>).</summary>
[GenerateSerializer]
[Immutable]
public sealed record ChaosAction(
    [property: Id(0)] ChaosKind Kind,
    [property: Id(1)] IReadOnlyList<string> Nodes,
    [property: Id(2)] IReadOnlyList<string> Regions,
    [property: Id(3)] string? Region = null,
    [property: Id(4)] int Ms = 0);
