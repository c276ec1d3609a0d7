namespace Platform.Consensus;

/// <summary>
/// The only source of randomness the core uses (election timeouts). Injected so a simulation
/// seed replays every run exactly; the core never touches a global random generator.
/// </summary>
public interface IRandomSource
{
    /// <summary>A uniformly distributed integer in [0, maxExclusive).</summary>
    long NextInt64(long maxExclusive);
}

/// <summary>A <see cref="Random"/>-backed source: seeded for tests, shared-seeded for production.</summary>
public sealed class SeededRandomSource(Random random) : IRandomSource
{
    public SeededRandomSource(int seed)
        : this(new Random(seed))
    {
    }

    public long NextInt64(long maxExclusive) => random.NextInt64(maxExclusive);
}
