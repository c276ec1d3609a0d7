
namespace Platform.Global.Drills;

/// <summary>
/// <c>POST /v1/drills</c>: <c>{kind: "switchover"|"region-loss", region, target?, namespaces?}</c>. A
/// switchover moves the <c>local-commit</c> namespaces homed in <c>region</c> (or the ones named) to
/// <c>target</c>; a region loss takes <c>region</c> away and promotes each of its namespaces where
/// the most advanced copy is, then brings the region back (restore).
/// </summary>
public sealed record DrillRequest(string Kind, string Region, string? Target = null, IReadOnlyList<string>? Namespaces = null)
{
    public const string Switchover = "switchover";

    public const string RegionLoss = "region-loss";
}
