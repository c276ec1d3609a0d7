using Platform.Testing.Simulation;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>The shape of one simulation run; <see cref="FromSeed"/> draws the fault mix from the seed.</summary>
public sealed record SimulationOptions
{
    public required int Seed { get; init; }

    public int Voters { get; init; } = 3;

    public TimeSpan SafetyPhase { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>After faults heal, the cluster must elect a leader and commit everything within this bound.</summary>
    public TimeSpan LivenessBound { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan MinElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(300);

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Clock rate error; larger than real hardware so lease arithmetic is stressed.</summary>
    public double ClockRateErrorBound { get; init; } = 0.05;

    public double DropRate { get; init; }

    public double DuplicateRate { get; init; }

    public TimeSpan MaxNetworkDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Mean time between faults (partition, crash, pause, clog, transfer, heal).</summary>
    public TimeSpan MeanFaultInterval { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Chance that a crash tears the Ready being persisted.</summary>
    public double TornWriteRate { get; init; } = 0.3;

    public int Clients { get; init; } = 3;

    public int Keys { get; init; } = 2;

    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>A replica snapshots its state machine after this many applied entries (0: never).</summary>
    public int SnapshotEvery { get; init; } = 40;

    /// <summary>Entries kept behind a snapshot for followers slightly behind.</summary>
    public int EntriesKeptAfterSnapshot { get; init; } = 5;

    public double MembershipChangeRate { get; init; } = 0.1;

    /// <summary>Bytes of entries per append; 1 sends one entry per message, so old-term entries can reach a quorum alone (Figure 8).</summary>
    public long MaxMessageBytes { get; init; } = 4096;

    /// <summary>Alternate busy and write-free stretches of the workload.</summary>
    public bool QuietStretches { get; init; }

    /// <summary>Chance that a fault is the scripted lease hazard instead of a random one.</summary>
    public double LeaseHazardRate { get; init; } = 0.1;

    /// <summary>Voters share their durable matches and followers commit what they see a quorum hold.</summary>
    public bool ShareMatches { get; init; }

    public static SimulationOptions FromSeed(int seed, int voters)
    {
        var random = new SimRandom(seed ^ 0x5eed);
        return new SimulationOptions
        {
            Seed = seed,
            Voters = voters,
            DropRate = random.Pick([0.0, 0.01, 0.05, 0.15]),
            DuplicateRate = random.Pick([0.0, 0.02, 0.1]),
            MaxNetworkDelay = TimeSpan.FromMilliseconds(random.Pick([2, 10, 40])),
            MeanFaultInterval = TimeSpan.FromMilliseconds(random.Pick([150, 300, 800])),
            SnapshotEvery = random.Pick([0, 15, 60]),
            ClockRateErrorBound = random.Pick([0.0, 0.01, 0.05]),
            MaxMessageBytes = random.Pick([1L, 4096, 4096]),
            QuietStretches = random.Chance(0.5),
            ShareMatches = random.Chance(0.5),
        };
    }
}
