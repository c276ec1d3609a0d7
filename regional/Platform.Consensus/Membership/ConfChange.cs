namespace Platform.Consensus.Membership;

public enum ConfChangeType : byte
{
    /// <summary>Adds a voter, or promotes an existing learner to voter.</summary>
    AddVoter = 0,

    /// <summary>Adds a non-voting replica that receives the log (a new or wiped node catching up).</summary>
    AddLearner = 1,

    /// <summary>Removes a voter or learner.</summary>
    Remove = 2,
}

/// <summary>
/// One single-server membership change. The group changes one replica at a time, so any majority
/// of the old voters overlaps any majority of the new ones (Raft thesis, section 4.1).
/// </summary>
public sealed record ConfChange(ConfChangeType Type, ulong Replica)
{
    /// <summary>The configuration after this change, or a reason it cannot apply to <paramref name="current"/>.</summary>
    public (ConfState? Next, string? Problem) ApplyTo(ConfState current)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (Replica == ReplicaId.None)
        {
            return (null, "replica id 0 is reserved");
        }

        var voters = current.Voters.ToList();
        var learners = current.Learners.ToList();
        switch (Type)
        {
            case ConfChangeType.AddVoter when current.IsVoter(Replica):
                return (null, $"replica {Replica} is already a voter");
            case ConfChangeType.AddVoter:
                learners.Remove(Replica);
                voters.Add(Replica);
                break;
            case ConfChangeType.AddLearner when current.Contains(Replica):
                return (null, $"replica {Replica} is already a member; demoting a voter is a removal and a re-add");
            case ConfChangeType.AddLearner:
                learners.Add(Replica);
                break;
            case ConfChangeType.Remove when !current.Contains(Replica):
                return (null, $"replica {Replica} is not a member");
            case ConfChangeType.Remove when current.IsVoter(Replica) && current.Voters.Length == 1:
                return (null, "the last voter cannot be removed");
            case ConfChangeType.Remove:
                voters.Remove(Replica);
                learners.Remove(Replica);
                break;
            default:
                return (null, $"unknown change type {Type}");
        }

        return (new ConfState(voters, learners), null);
    }
}
