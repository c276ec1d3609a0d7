using Platform.Consensus;
using Platform.Consensus.Log;

namespace Platform.Storage.Wal;

/// <summary>A snapshot's place in a group's log.</summary>
public readonly record struct LogPosition(long Index, long Term);

/// <summary>
/// What one consensus group needs durable from one Ready, as one WAL record: its hard state, new
/// entries (which replace every earlier entry from the first one's index on), and where its log
/// now starts if it installed a snapshot (everything before is discarded) or compacted.
/// </summary>
public sealed record GroupWrite(ulong Group)
{
    public HardState? HardState { get; init; }

    public Entry[] Entries { get; init; } = [];

    /// <summary>Set when the group installed a snapshot from its leader: its whole log is replaced.</summary>
    public LogPosition? LogReset { get; init; }

    /// <summary>Set when the group compacted: entries at or below this index are no longer needed.</summary>
    public long? CompactedThrough { get; init; }

    public bool IsEmpty => HardState is null && Entries.Length == 0 && LogReset is null && CompactedThrough is null;

    /// <summary>The durable part of a Ready for <paramref name="group"/>.</summary>
    public static GroupWrite FromReady(ulong group, Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        return new GroupWrite(group)
        {
            HardState = ready.HardState,
            Entries = ready.Entries,
            LogReset = ready.Snapshot is { } snapshot ? new LogPosition(snapshot.Metadata.Index, snapshot.Metadata.Term) : null,
        };
    }
}
