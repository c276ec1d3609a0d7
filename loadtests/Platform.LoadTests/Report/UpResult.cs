namespace Platform.LoadTests.Report;

/// <summary>
/// Scenario (e): how long <c>platform up</c> takes to have a leader in every group, and the resident
/// memory of each node a fixed delay later. <see cref="Failure"/> says why, when it could not be measured.
/// </summary>
public sealed record UpResult(
    string Command,
    int Nodes,
    double? ReadySeconds,
    double ReadyResolutionSeconds,
    double MemoryDelaySeconds,
    double? MeanRssMiB,
    double? MaxRssMiB,
    IReadOnlyList<NodeMemory> PerNode,
    string? Failure);

/// <summary>VmRSS of one node process; null when the process was gone.</summary>
public sealed record NodeMemory(string Region, string Node, int Pid, double? RssMiB);
