namespace Platform.Consensus;

public enum ProposeOutcome : byte
{
    Accepted,
    NotLeader,
    TransferInProgress,
    Overloaded,

    /// <summary>Membership changes wait until the leader has committed an entry of its term.</summary>
    LeaderNotReady,

    /// <summary>Another membership change is not yet applied; changes go one at a time.</summary>
    ConfChangePending,
    InvalidConfChange,
}

/// <summary>The answer to a proposal: where the entry went, or why it was refused (with a leader hint).</summary>
public readonly record struct ProposeResult(ProposeOutcome Outcome, long Index, long Term, ulong LeaderHint, string? Problem = null)
{
    public bool IsAccepted => Outcome == ProposeOutcome.Accepted;
}

public enum ReadOutcome : byte
{
    /// <summary>A <see cref="ReadState"/> with this request id will appear in a later Ready.</summary>
    Pending,
    NotLeader,
    Overloaded,
}

public enum TransferOutcome : byte
{
    Started,
    AlreadyLeader,
    NotLeader,
    NotVoter,
}

/// <summary>What the caller reads back on restart: the durable hard state, snapshot and entries after it.</summary>
/// <param name="InitialConf">The bootstrap configuration of a brand-new group; ignored once a snapshot or configuration entry exists.</param>
public sealed record RaftRestoreState(HardState HardState, Snapshot? Snapshot, IReadOnlyList<Log.Entry> Entries, Membership.ConfState InitialConf)
{
    public static RaftRestoreState Bootstrap(Membership.ConfState initialConf) => new(HardState.Empty, null, [], initialConf);
}
