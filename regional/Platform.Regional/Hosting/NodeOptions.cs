namespace Platform.Regional.Hosting;

/// <summary>Who this node is and where its data lives (docs/api.md, Files and cluster.json: &lt;data-dir&gt;/&lt;region&gt;/&lt;node&gt;/).</summary>
public sealed record NodeOptions
{
    public required string Region { get; init; }

    public required string NodeName { get; init; }

    /// <summary>This node's own directory: wal/, snap/, node.log and the replica id live here.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The region's nodes, in order; node i (from 1) hosts replica i of every group.</summary>
    public required IReadOnlyList<string> RegionNodes { get; init; }

    /// <summary>Consensus groups in the region.</summary>
    public int Groups { get; init; } = 4;

    /// <summary>
    /// The shortest election timeout (each replica draws from [min, 2 min)). It bounds how long a
    /// dead leader stalls writes (the goal is 1.5 s) and the length of a lease; it must stay well above
    /// the pauses a busy node sees, or healthy leaders get deposed.
    /// </summary>
    public TimeSpan MinElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(600);

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Applied entries between snapshots of a group's state, which let its log be compacted.</summary>
    public long SnapshotEveryEntries { get; init; } = 10_000;

    /// <summary>Log entries kept before each snapshot when the log is compacted, for followers slightly behind.</summary>
    public long SnapshotCatchUpEntries { get; init; } = 1000;

    /// <summary>Bytes per chunk when a snapshot is streamed to a replica that fell behind the log.</summary>
    public int SnapshotChunkBytes { get; init; } = 256 * 1024;

    /// <summary>How long a request may wait for a leader, a commit or a read point before it is answered 503.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Watches (SSE and long polls) one token may hold open on this node at once; beyond, 429.</summary>
    public int MaxWatchesPerToken { get; init; } = 1000;

    /// <summary>Lookups of tokens this node does not know, per client address and second (each costs a catalog read); beyond, 429.</summary>
    public int UnknownTokenLookupsPerSecond { get; init; } = 20;

    /// <summary>The burst of <see cref="UnknownTokenLookupsPerSecond"/>.</summary>
    public int UnknownTokenLookupBurst { get; init; } = 50;

    /// <summary>Dashboard status feeds one token may hold open on this node at once; beyond, 429.</summary>
    public int MaxFeedsPerToken { get; init; } = 10;

    /// <summary>Watches open from one client address on this node at once, whatever their tokens; beyond, 429.</summary>
    public int MaxWatchesPerAddress { get; init; } = 2000;

    /// <summary>Dashboard status feeds open from one client address on this node at once; beyond, 429.</summary>
    public int MaxFeedsPerAddress { get; init; } = 20;

    /// <summary>Serve the chaos routes (<c>--chaos</c>): fault injection for drills and tests.</summary>
    public bool Chaos { get; init; }

    /// <summary>SHA-256 (hex) of the bootstrap admin token, which holds admin over every namespace; null for none.</summary>
    public string? AdminTokenHash { get; init; }

    /// <summary>SHA-256 (hex) of the edge proxies' bootstrap token, which reads every namespace and nothing more; null for none.</summary>
    public string? EdgeTokenHash { get; init; }

    /// <summary>Bits of a replica id that hold the node's position; the bits above hold its incarnation.</summary>
    private const int OrdinalBits = 8;

    /// <summary>
    /// A node's replica id in every group: its position in <see cref="RegionNodes"/> (from 1) in the
    /// low bits, and above them the incarnation of its data directory: 0 for the region's first
    /// start, a new number each time the node rejoins with a wiped disk (so the new replica never
    /// answers for votes the lost one cast).
    /// </summary>
    public ulong ReplicaIdOf(string node, ulong incarnation = 0) => (incarnation << OrdinalBits) | OrdinalOf(node);

    public ulong OrdinalOf(string node)
    {
        var position = RegionNodes.ToList().IndexOf(node);
        return position < 0 ? throw new ArgumentException($"'{node}' is not a node of region {Region}") : (ulong)(position + 1);
    }

    public static ulong OrdinalOfReplica(ulong replica) => replica & ((1UL << OrdinalBits) - 1);

    public static ulong IncarnationOf(ulong replica) => replica >> OrdinalBits;

    public string NodeOfReplica(ulong replica)
    {
        var ordinal = OrdinalOfReplica(replica);
        return ordinal >= 1 && ordinal <= (ulong)RegionNodes.Count ? RegionNodes[(int)ordinal - 1] : throw new ArgumentException($"no node hosts replica {replica}");
    }
}
