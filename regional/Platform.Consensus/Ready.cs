using Platform.Consensus.Log;
using Platform.Consensus.Messages;

namespace Platform.Consensus;

/// <summary>
/// One batch of work the core hands to its caller. The caller must, in this order: persist
/// <see cref="Snapshot"/>, <see cref="Entries"/> (overwriting any durable entry at or after the
/// first index) and <see cref="HardState"/> with one fsync; then send <see cref="Messages"/>;
/// then apply <see cref="Snapshot"/> and <see cref="CommittedEntries"/>, serve
/// <see cref="ReadStates"/>; then call <see cref="RaftNode.Advance"/> with this Ready.
/// </summary>
public sealed class Ready
{
    /// <summary>Set when leadership or role changed since the previous Ready.</summary>
    public SoftState? SoftState { get; init; }

    /// <summary>Set when term, vote or commit changed since the previous Ready; persist it.</summary>
    public HardState? HardState { get; init; }

    /// <summary>Entries to persist; they replace every durable entry from the first one's index on.</summary>
    public Entry[] Entries { get; init; } = [];

    /// <summary>A snapshot received from the leader: persist it, discard the whole durable log, and load it into the state machine.</summary>
    public Snapshot? Snapshot { get; init; }

    public Entry[] CommittedEntries { get; init; } = [];

    public IReadOnlyList<Message> Messages { get; init; } = [];

    public IReadOnlyList<ReadState> ReadStates { get; init; } = [];

    /// <summary>Read requests this replica will never answer (it lost leadership); the caller retries elsewhere.</summary>
    public IReadOnlyList<long> AbandonedReads { get; init; } = [];

    /// <summary>True when something must reach disk before <see cref="Messages"/> are sent.</summary>
    public bool MustSync => Entries.Length > 0 || Snapshot is not null || (HardState is { } hs && (hs.Term != 0 || hs.Vote != 0));
}
