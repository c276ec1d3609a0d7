using System.Collections.Immutable;

namespace Platform.Consensus.Membership;

/// <summary>
/// A group's configuration: the voters (who elect and form quorums) and the learners (who
/// receive the log but never vote). Immutable; every change makes a new one.
/// </summary>
public sealed class ConfState : IEquatable<ConfState>
{
    public static readonly ConfState Empty = new([], []);

    public ConfState(IEnumerable<ulong> voters, IEnumerable<ulong> learners)
    {
        Voters = [.. voters.Distinct().Order()];
        Learners = [.. learners.Distinct().Order()];
        Invariant.Require(!Voters.Contains(ReplicaId.None) && !Learners.Contains(ReplicaId.None), "replica id 0 is reserved for nobody");
        Invariant.Require(!Voters.Intersect(Learners).Any(), "a replica is either a voter or a learner, never both");
    }

    public ImmutableArray<ulong> Voters { get; }

    public ImmutableArray<ulong> Learners { get; }

    public bool IsVoter(ulong id) => Voters.BinarySearch(id) >= 0;

    public bool IsLearner(ulong id) => Learners.BinarySearch(id) >= 0;

    public bool Contains(ulong id) => IsVoter(id) || IsLearner(id);

    public IEnumerable<ulong> Members => Voters.Concat(Learners);

    /// <summary>Votes (or acknowledgements) needed for a majority of the voters.</summary>
    public int QuorumSize => (Voters.Length / 2) + 1;

    public bool Equals(ConfState? other) =>
        other is not null && Voters.SequenceEqual(other.Voters) && Learners.SequenceEqual(other.Learners);

    public override bool Equals(object? obj) => Equals(obj as ConfState);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var voter in Voters)
        {
            hash.Add(voter);
        }

        hash.Add(-1);
        foreach (var learner in Learners)
        {
            hash.Add(learner);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => $"voters=[{string.Join(',', Voters)}] learners=[{string.Join(',', Learners)}]";
}
