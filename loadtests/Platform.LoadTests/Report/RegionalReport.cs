namespace Platform.LoadTests.Report;

/// <summary>
/// Everything one run of the regional scenario measured; written as markdown and as JSON. <see cref="Failover"/>,
/// scenario (f), comes last because it kills a node.
/// </summary>
public sealed record RegionalReport(
    MachineInfo Machine,
    RunParameters Parameters,
    bool FullRun,
    string Setup,
    double? RegionReadySeconds,
    string? Namespace,
    long? Group,
    string? Leader,
    IReadOnlyList<PhaseResult> Phases,
    UpResult? Up,
    IReadOnlyDictionary<string, string> RefusalSamples,
    IReadOnlyList<string> Notes,
    FailoverResult? Failover = null);
