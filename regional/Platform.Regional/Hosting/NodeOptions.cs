namespace Platform.Regional.Hosting;

/// <summary>Who this node is and where its data lives (shared/API.md, Files: &lt;data-dir&gt;/&lt;region&gt;/&lt;node&gt;/).</summary>
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

    public TimeSpan MinElectionTimeout { get; init; } = TimeSpan.FromMilliseconds(1000);

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long a request may wait for a leader, a commit or a read point before it is answered 503.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>SHA-256 (hex) of the bootstrap admin token, which holds admin over every namespace; null for none.</summary>
    public string? AdminTokenHash { get; init; }

    /// <summary>The replica id of a node in every group: its position in <see cref="RegionNodes"/>, from 1.</summary>
    public ulong ReplicaIdOf(string node)
    {
        var position = RegionNodes.ToList().IndexOf(node);
        return position < 0 ? throw new ArgumentException($"'{node}' is not a node of region {Region}") : (ulong)(position + 1);
    }

    public string NodeOfReplica(ulong replica) =>
        replica >= 1 && replica <= (ulong)RegionNodes.Count ? RegionNodes[(int)replica - 1] : throw new ArgumentException($"no node hosts replica {replica}");
}
