using Platform.Consensus;

namespace Platform.Testing.Simulation;

/// <summary>
/// The one random source of a simulation run. Everything random (scheduling, network, faults,
/// clocks, and each replica's election timeouts through <see cref="IRandomSource"/>) draws from
/// generators derived from the run's seed, so one seed replays a run exactly.
/// </summary>
public sealed class SimRandom(int seed) : IRandomSource
{
    private readonly Random random = new(seed);

    public long NextInt64(long maxExclusive) => random.NextInt64(maxExclusive);

    public bool Chance(double probability) => random.NextDouble() < probability;

    public int Between(int minInclusive, int maxExclusive) => random.Next(minInclusive, maxExclusive);

    public double NextDouble() => random.NextDouble();

    public TimeSpan Between(TimeSpan minInclusive, TimeSpan maxExclusive) =>
        minInclusive + TimeSpan.FromTicks(random.NextInt64(Math.Max(1, (maxExclusive - minInclusive).Ticks)));

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A child generator for one component, so adding draws in one place does not shift another's.</summary>
    public SimRandom Fork() => new(random.Next());
}
