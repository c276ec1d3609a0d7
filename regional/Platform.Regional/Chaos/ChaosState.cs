using System.Collections.Concurrent;

namespace Platform.Regional.Chaos;

/// <summary>
/// Faults injected on this node through the chaos routes (only with <c>--chaos</c>): nodes of the
/// region and whole regions it no longer talks to, extra latency towards a region, and isolation
/// from clients. Every transport consults it; all of it is this node's alone and heals at once.
/// </summary>
public sealed class ChaosState
{
    private readonly ConcurrentDictionary<string, byte> cutNodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> cutRegions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> latency = new(StringComparer.Ordinal);

    public ChaosState(bool enabled) => Enabled = enabled;

    /// <summary>False unless the node runs with <c>--chaos</c>: then nothing here ever changes.</summary>
    public bool Enabled { get; }

    /// <summary>The node answers clients 503 and talks to no peer.</summary>
    public bool Isolated { get; private set; }

    public bool CanReachNode(string node) => !Isolated && !cutNodes.ContainsKey(node);

    public bool CanReachRegion(string region) => !Isolated && !cutRegions.ContainsKey(region);

    public TimeSpan ExtraLatencyTo(string region) => latency.TryGetValue(region, out var extra) ? extra : TimeSpan.Zero;

    public void CutNodes(IEnumerable<string> nodes) => Apply(nodes, n => cutNodes[n] = 0);

    public void CutRegions(IEnumerable<string> regions) => Apply(regions, r => cutRegions[r] = 0);

    public void AddLatency(string region, TimeSpan extra)
    {
        Require();
        latency[region] = extra;
    }

    public void Isolate()
    {
        Require();
        Isolated = true;
    }

    public void Heal()
    {
        Require();
        cutNodes.Clear();
        cutRegions.Clear();
        latency.Clear();
        Isolated = false;
    }

    /// <summary>Does what a chaos route asked for.</summary>
    public void Apply(ChaosAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        switch (action.Kind)
        {
            case ChaosKind.Partition:
                CutNodes(action.Nodes);
                CutRegions(action.Regions);
                break;
            case ChaosKind.Latency:
                AddLatency(action.Region ?? throw new ArgumentException("latency needs a region"), TimeSpan.FromMilliseconds(action.Ms));
                break;
            case ChaosKind.Isolate:
                Isolate();
                break;
            case ChaosKind.Heal:
                Heal();
                break;
            default:
                throw new ArgumentException($"unknown chaos action {action.Kind}");
        }
    }

    /// <summary>What is in force, for the chaos routes' answers.</summary>
    public object Describe() => new
    {
        isolated = Isolated,
        cutNodes = cutNodes.Keys.Order(StringComparer.Ordinal),
        cutRegions = cutRegions.Keys.Order(StringComparer.Ordinal),
        latencyMs = latency.ToDictionary(l => l.Key, l => l.Value.TotalMilliseconds),
    };

    private void Apply(IEnumerable<string> names, Action<string> add)
    {
        Require();
        foreach (var name in names)
        {
            add(name);
        }
    }

    private void Require()
    {
        if (!Enabled)
        {
            throw new InvalidOperationException("chaos is not enabled on this node (--chaos)");
        }
    }
}
