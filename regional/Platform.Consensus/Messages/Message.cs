using Platform.Consensus.Log;

namespace Platform.Consensus.Messages;

/// <summary>
/// One message between replicas of a group. Every message carries the sender's term, so a
/// replica that wakes from a long pause with an old term is fenced by the first answer it gets.
/// </summary>
public sealed record Message
{
    public required MessageType Type { get; init; }

    public required ulong From { get; init; }

    public required ulong To { get; init; }

    public required long Term { get; init; }

    /// <summary>Append: term of the entry at <see cref="Index"/>; votes: the candidate's last log term; a rejected append: the term at <see cref="RejectHint"/>.</summary>
    public long LogTerm { get; init; }

    /// <summary>Append: the index before the entries; votes: the candidate's last index; responses: the index matched.</summary>
    public long Index { get; init; }

    public Entry[] Entries { get; init; } = [];

    public long Commit { get; init; }

    public bool Reject { get; init; }

    /// <summary>A rejected append: the follower's guess at the last index that could match (fast backtracking).</summary>
    public long RejectHint { get; init; }

    public Snapshot? Snapshot { get; init; }

    /// <summary>Heartbeats: the round number, echoed back; votes: 1 when the campaign is a leadership transfer.</summary>
    public long Context { get; init; }

    public override string ToString()
    {
        var detail = Type switch
        {
            MessageType.Append => $" prev={Index}/{LogTerm} n={Entries.Length} commit={Commit}",
            MessageType.AppendResponse => Reject ? $" reject {Index} hint={RejectHint}/{LogTerm}" : $" ok {Index}",
            MessageType.Heartbeat => $" round={Context} commit={Commit} leader-commit={Index}",
            MessageType.HeartbeatResponse => $" round={Context}",
            MessageType.PreVote or MessageType.Vote => $" last={Index}/{LogTerm}{(Context == 1 ? " transfer" : string.Empty)}",
            MessageType.PreVoteResponse or MessageType.VoteResponse => Reject ? " reject" : " grant",
            MessageType.InstallSnapshot => $" snap={Snapshot?.Metadata.Index}/{Snapshot?.Metadata.Term}",
            MessageType.MatchNotice => $" durable {Index}",
            _ => string.Empty,
        };
        return $"{Type} {From}->{To} t{Term}{detail}";
    }
}
