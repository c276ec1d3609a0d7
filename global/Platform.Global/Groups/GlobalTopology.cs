using Platform.Consensus.Membership;
using Platform.Regional.Replicas;

namespace Platform.Global.Groups;

/// <summary>
/// A strong-global group: by default every node of every region is a voter (3 regions x 3 nodes =
/// 9 voters, quorum 5: it survives the loss of a region plus a node); with
/// <paramref name="votersPerRegion"/>, only the first nodes of each region vote and the others hold
/// learner replicas (local serializable reads, no say in commits). A replica id holds the node's
/// position in its region (bits 0-7), its region's position (bits 8-15, from 1) and the incarnation
/// of its data directory (above), so ids stay unique across regions and across wiped disks.
/// </summary>
public sealed class GlobalTopology(IReadOnlyList<string> regions, IReadOnlyDictionary<string, IReadOnlyList<string>> nodes, string region, string node, ulong incarnation, int? votersPerRegion = null) : IGroupTopology
{
    private const int RegionShift = 8;
    private const int IncarnationShift = 16;

    public ulong SelfId => IdOf(region, node, incarnation);

    /// <summary>Every node's first incarnation, unless this node is a rejoining one (added by the leader).</summary>
    public ConfState InitialConfiguration
    {
        get
        {
            if (incarnation != 0)
            {
                return ConfState.Empty;
            }

            var everyone = regions.SelectMany(r => nodes[r].Select(n => IdOf(r, n, 0))).ToList();
            return new ConfState(everyone.Where(Votes), everyone.Where(id => !Votes(id)));
        }
    }

    /// <summary>Whether the seat of <paramref name="replica"/> (its node's position in its region) votes.</summary>
    public bool Votes(ulong replica) => votersPerRegion is not { } voters || (int)(replica & 0xFF) <= voters;

    public ulong IdOf(string inRegion, string ofNode, ulong ofIncarnation)
    {
        var r = regions.ToList().IndexOf(inRegion);
        var n = nodes.TryGetValue(inRegion, out var names) ? names.ToList().IndexOf(ofNode) : -1;
        if (r < 0 || n < 0)
        {
            throw new ArgumentException($"{inRegion}/{ofNode} is not a node of this deployment");
        }

        return (ofIncarnation << IncarnationShift) | ((ulong)(uint)(r + 1) << RegionShift) | (uint)(n + 1);
    }

    /// <summary><c>region/node</c>: where the replica's messages go.</summary>
    public string NameOf(ulong replica)
    {
        var r = (int)((replica >> RegionShift) & 0xFF) - 1;
        var n = (int)(replica & 0xFF) - 1;
        return r >= 0 && r < regions.Count && n >= 0 && n < nodes[regions[r]].Count
            ? $"{regions[r]}/{nodes[regions[r]][n]}"
            : throw new ArgumentException($"no node hosts global replica {replica}");
    }

    public ulong PreferredLeader(ConfState configuration) => 0;

    public bool SameSeat(ulong a, ulong b) => (a & 0xFFFF) == (b & 0xFFFF);

    /// <summary>Voters a WAN trip from the leader commit on their own, so a write made in their region is answered one round trip after it left.</summary>
    public bool ShareMatches => true;

    /// <summary>
    /// A voter in the leader's region tells every voter (its news reaches a far region as soon as the
    /// entries do); any other voter only its own region's (its news would reach a far one a round
    /// trip too late to matter): 34 notices a write on 3 x 3 instead of 72.
    /// </summary>
    public bool ShareMatchWith(ulong leader, ulong peer) =>
        RegionBits(peer) == RegionBits(SelfId) || RegionBits(leader) == RegionBits(SelfId);

    private static ulong RegionBits(ulong replica) => (replica >> RegionShift) & 0xFF;

    /// <summary>The region part of a replica's name.</summary>
    public static string RegionOf(string name) => name[..name.IndexOf('/', StringComparison.Ordinal)];
}
