
namespace Platform.Global.Tests.Simulation;

/// <summary>
/// The simulated world's time and event queue: every action runs at a real time (microseconds),
/// in order, one at a time, so a seed replays exactly. Actions addressed to a frozen region wait
/// until it wakes; messages to or from a region cut off are lost.
/// </summary>
public sealed class SimWorld(int seed)
{
    private readonly PriorityQueue<(Action Run, string? Region), (long At, long Seq)> queue = new();
    private readonly Dictionary<string, long> frozenUntil = [];
    private readonly Dictionary<string, long> cutUntil = [];
    private long sequence;

    public Random Random { get; } = new(seed);

    public long Now { get; private set; }

    public List<string> Trace { get; } = [];

    public void Log(string line)
    {
        Trace.Add($"{Now / 1000.0,10:0.000} ms  {line}");
        if (Trace.Count > 4000)
        {
            Trace.RemoveRange(0, 1000);
        }
    }

    /// <summary>Runs <paramref name="run"/> after <paramref name="delay"/> µs, as <paramref name="region"/> (deferred while it is frozen).</summary>
    public void At(long delay, string? region, Action run) => queue.Enqueue((run, region), (Now + Math.Max(0, delay), sequence++));

    /// <summary>A message from one party to another (null: the catalog or the operator, never cut off) with a random delay; lost across a cut.</summary>
    public void Send(string? from, string? to, Action deliver)
    {
        if (IsCut(from) || IsCut(to))
        {
            return;
        }

        At(Random.NextInt64(500, 15_000), to, () =>
        {
            if (!IsCut(to) && !IsCut(from))
            {
                deliver();
            }
        });
    }

    public bool IsFrozen(string? region) => region is not null && frozenUntil.GetValueOrDefault(region) > Now;

    public bool IsCut(string? region) => region is not null && cutUntil.GetValueOrDefault(region) > Now;

    public void Freeze(string region, long duration)
    {
        frozenUntil[region] = Math.Max(frozenUntil.GetValueOrDefault(region), Now + duration);
        Log($"{region} frozen for {duration / 1000} ms");
    }

    public void Cut(string region, long duration)
    {
        cutUntil[region] = Math.Max(cutUntil.GetValueOrDefault(region), Now + duration);
        Log($"{region} cut off for {duration / 1000} ms");
    }

    public void HealAll()
    {
        frozenUntil.Clear();
        cutUntil.Clear();
    }

    /// <summary>Runs events until <paramref name="until"/>.</summary>
    public void RunUntil(long until)
    {
        while (queue.TryPeek(out var next, out var key) && key.At <= until)
        {
            queue.Dequeue();
            Now = Math.Max(Now, key.At);
            if (next.Region is { } region && frozenUntil.GetValueOrDefault(region) > Now)
            {
                // A frozen process runs nothing; what was due runs when it wakes, in the same order.
                queue.Enqueue(next, (frozenUntil[region], key.Seq));
                continue;
            }

            next.Run();
        }

        Now = Math.Max(Now, until);
    }
}
