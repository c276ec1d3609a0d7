using Platform.Consensus.Membership;

namespace Platform.Regional.Replicas;

/// <summary>
/// Who is who in one consensus group, for the replica hosted on this node: its own id, what the
/// group's first configuration is, and how a replica id maps to the place its messages go. A
/// regional group's replicas are the region's nodes; a strong-global group's are nodes of every region.
/// </summary>
public interface IGroupTopology
{
    /// <summary>This node's replica id in the group.</summary>
    ulong SelfId { get; }

    /// <summary>The configuration a brand-new group starts with (empty for a rejoining incarnation, which is added by the leader).</summary>
    ConfState InitialConfiguration { get; }

    /// <summary>Where a replica lives: the node name inside a region, <c>region/node</c> across regions.</summary>
    string NameOf(ulong replica);

    /// <summary>The voter that should lead when healthy, or 0 for no preference.</summary>
    ulong PreferredLeader(ConfState configuration);

    /// <summary>True when two ids are incarnations of the same node (a wiped disk's old and new replica).</summary>
    bool SameSeat(ulong a, ulong b);

    /// <summary>Whether a replica in this seat is a voter once caught up (false: it stays a learner).</summary>
    bool Votes(ulong replica) => true;

    /// <summary>
    /// True when voters share their durable matches so followers commit on their own
    /// (<see cref="Platform.Consensus.RaftOptions.ShareMatches"/>): worth its messages only when the
    /// leader is a wide-area trip away from some voters.
    /// </summary>
    bool ShareMatches => false;

    /// <summary>With <see cref="ShareMatches"/>: whether this replica tells <paramref name="peer"/> its durable match while <paramref name="leader"/> leads.</summary>
    bool ShareMatchWith(ulong leader, ulong peer) => true;
}

/// <summary>A regional group: replica i is the region's node i (with its disk's incarnation); group g prefers node g mod N.</summary>
public sealed class RegionalTopology(ulong group, Hosting.NodeOptions options, NodeIdentity identity) : IGroupTopology
{
    public ulong SelfId => identity.ReplicaId;

    public ConfState InitialConfiguration =>
        identity.IsRejoining ? ConfState.Empty : new ConfState(options.RegionNodes.Select(n => options.ReplicaIdOf(n)), []);

    public string NameOf(ulong replica) => options.NodeOfReplica(replica);

    public ulong PreferredLeader(ConfState configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var ordinal = (group % (ulong)options.RegionNodes.Count) + 1;
        return configuration.Voters.FirstOrDefault(v => Hosting.NodeOptions.OrdinalOfReplica(v) == ordinal);
    }

    public bool SameSeat(ulong a, ulong b) => Hosting.NodeOptions.OrdinalOfReplica(a) == Hosting.NodeOptions.OrdinalOfReplica(b);
}
