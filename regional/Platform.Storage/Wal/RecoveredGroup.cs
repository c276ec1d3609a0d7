using Platform.Consensus;
using Platform.Consensus.Log;

namespace Platform.Storage.Wal;

/// <summary>One group's state as replayed from the log: what the consensus core restarts from.</summary>
public sealed class RecoveredGroup(ulong group)
{
    private readonly List<Entry> entries = [];

    public ulong Group { get; } = group;

    public HardState HardState { get; private set; } = HardState.Empty;

    /// <summary>Entries at or below this index were compacted or replaced by a snapshot.</summary>
    public long CompactedThrough { get; private set; }

    public IReadOnlyList<Entry> Entries => entries;

    public long LastIndex => entries.Count > 0 ? entries[^1].Index : CompactedThrough;

    /// <summary>Applies one record, in log order, with the semantics the writer promised.</summary>
    public void Apply(GroupWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (write.LogReset is { } reset)
        {
            entries.Clear();
            CompactedThrough = reset.Index;
        }

        if (write.CompactedThrough is { } compacted && compacted > CompactedThrough)
        {
            CompactedThrough = compacted;
            entries.RemoveAll(e => e.Index <= compacted);
        }

        if (write.Entries.Length > 0)
        {
            Append(write.Entries);
        }

        if (write.HardState is { } hardState)
        {
            HardState = hardState;
        }
    }

    private void Append(Entry[] newEntries)
    {
        var first = newEntries[0].Index;
        if (entries.Count > 0 && first > entries[^1].Index + 1)
        {
            throw new WalFormatException($"group {Group}: entries resume at {first} after {entries[^1].Index}, leaving a gap");
        }

        var keep = entries.FindIndex(e => e.Index >= first);
        if (keep >= 0)
        {
            entries.RemoveRange(keep, entries.Count - keep);
        }

        foreach (var entry in newEntries)
        {
            if (entry.Index > CompactedThrough)
            {
                entries.Add(entry);
            }
        }
    }

    /// <summary>The restart state for the core: entries after <paramref name="snapshotIndex"/> only.</summary>
    public IReadOnlyList<Entry> EntriesAfter(long snapshotIndex) => [.. entries.Where(e => e.Index > snapshotIndex)];
}
