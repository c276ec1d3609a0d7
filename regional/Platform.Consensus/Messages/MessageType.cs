namespace Platform.Consensus.Messages;

public enum MessageType : byte
{
    /// <summary>"Would you vote for me at Term?" Changes no state at the receiver (Raft thesis 9.6).</summary>
    PreVote,
    PreVoteResponse,
    Vote,
    VoteResponse,

    /// <summary>AppendEntries: entries after (Index, LogTerm), plus the leader's commit index.</summary>
    Append,
    AppendResponse,

    /// <summary>Leader liveness, commit propagation, and the rounds that prove leadership for reads and leases.</summary>
    Heartbeat,
    HeartbeatResponse,

    /// <summary>The leader's snapshot, for a follower whose next entry was compacted away.</summary>
    InstallSnapshot,

    /// <summary>Leadership transfer: "start an election now", bypassing PreVote and leader stickiness.</summary>
    TimeoutNow,

    /// <summary>"My durable log matches this term's leader through Index": voter to voter, so followers learn commits themselves.</summary>
    MatchNotice,
}
