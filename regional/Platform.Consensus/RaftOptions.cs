namespace Platform.Consensus;

/// <summary>The tunables of one replica. Every bound on a queue or batch is named here.</summary>
public sealed record RaftOptions
{
    /// <summary>This replica's id (never <see cref="ReplicaId.None"/>).</summary>
    public required ulong Id { get; init; }

    /// <summary>
    /// The shortest election timeout; each election waits a random time in [min, 2 * min). Also how
    /// long a replica that heard from a leader ignores campaigns, and how long a restarted replica
    /// grants no vote.
    /// </summary>
    public TimeSpan MinElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(1000);

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The stated bound on any clock's rate error (rho): 0.01 means 1% fast or slow.</summary>
    public double ClockRateErrorBound { get; init; } = 0.01;

    /// <summary>
    /// How long a quorum-acknowledged heartbeat vouches for leadership, measured from its send time.
    /// Must be below <see cref="MaxSafeLeaseDuration"/>; zero disables lease reads.
    /// </summary>
    public TimeSpan? LeaseDuration { get; init; }

    /// <summary>Appends in flight per follower before the leader waits for acknowledgements.</summary>
    public int MaxInflightMessages { get; init; } = 256;

    /// <summary>Bytes of entries per append message (at least one entry is always sent).</summary>
    public long MaxMessageBytes { get; init; } = 1 << 20;

    /// <summary>Bytes of committed entries handed out in one Ready.</summary>
    public long MaxApplyBytes { get; init; } = 8 << 20;

    /// <summary>Proposed but uncommitted entries the leader accepts before it answers Overloaded.</summary>
    public int MaxUncommittedEntries { get; init; } = 1 << 16;

    /// <summary>Pending ReadIndex requests the leader holds before it answers Overloaded.</summary>
    public int MaxPendingReads { get; init; } = 1 << 14;

    /// <summary>Heartbeat rounds whose send times are remembered for lease and read accounting.</summary>
    public int HeartbeatRoundsRemembered { get; init; } = 64;

    /// <summary>
    /// Voters tell each other how far their durable logs match the leader, and followers commit
    /// what they see a quorum hold (see <c>RaftNode.SharedMatches</c>): for groups whose voters are
    /// far apart, where waiting for the leader's commit costs a second wide-area trip.
    /// </summary>
    public bool ShareMatches { get; init; }

    /// <summary>
    /// With <see cref="ShareMatches"/>: whether this replica's notices go to a voter, given the
    /// current leader and that voter (null: to every voter). Fewer notices never make a commit
    /// unsafe, only later: a group spread over regions sends only those that arrive in time to matter.
    /// </summary>
    public Func<ulong, ulong, bool>? ShareMatchWith { get; init; }

    /// <summary>The safety bound of the lease: minElectionTimeout * (1 - rho) / (1 + rho) (docs/architecture.md, Consensus core).</summary>
    public TimeSpan MaxSafeLeaseDuration =>
        MinElectionTimeout * ((1 - ClockRateErrorBound) / (1 + ClockRateErrorBound));

    /// <summary>The lease used: the configured one, or 90% of the safety bound.</summary>
    public TimeSpan EffectiveLeaseDuration => LeaseDuration ?? MaxSafeLeaseDuration * 0.9;

    public void Validate()
    {
        Require(Id != ReplicaId.None, "Id must not be 0");
        Require(MinElectionTimeout > TimeSpan.Zero, "MinElectionTimeout must be positive");
        Require(HeartbeatInterval > TimeSpan.Zero && HeartbeatInterval * 2 <= MinElectionTimeout, "HeartbeatInterval must be positive and at most half of MinElectionTimeout");
        Require(ClockRateErrorBound is >= 0 and < 0.5, "ClockRateErrorBound must be in [0, 0.5)");
        Require(EffectiveLeaseDuration >= TimeSpan.Zero && EffectiveLeaseDuration < MaxSafeLeaseDuration, "LeaseDuration must be shorter than MinElectionTimeout * (1 - rho) / (1 + rho)");
        Require(MaxInflightMessages > 0 && MaxMessageBytes > 0 && MaxApplyBytes > 0, "message and inflight bounds must be positive");
        Require(MaxUncommittedEntries > 0 && MaxPendingReads > 0 && HeartbeatRoundsRemembered > 1, "queue bounds must be positive");
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException(problem);
        }
    }
}
