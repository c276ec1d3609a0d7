using Platform.Consensus.Log;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>
/// A replica's disk. It holds only what was persisted: a crash loses the Ready in progress, and a
/// crash in the middle of persisting keeps only a prefix of its writes (snapshot, entries in
/// order, then the hard state), like a torn tail that recovery truncates.
/// </summary>
public sealed class SimDisk
{
    private readonly List<Entry> entries = [];

    public HardState HardState { get; private set; } = HardState.Empty;

    public Snapshot? Snapshot { get; private set; }

    /// <summary>Persists a Ready; with <paramref name="writesKept"/> set, only that many writes land (a crash mid-fsync).</summary>
    public void Persist(Ready ready, int writesKept = int.MaxValue)
    {
        if (ready.Snapshot is { } snapshot)
        {
            if (writesKept-- <= 0)
            {
                return;
            }

            Snapshot = snapshot;
            entries.Clear();
        }

        foreach (var entry in ready.Entries)
        {
            if (writesKept-- <= 0)
            {
                return;
            }

            var firstIndex = FirstIndex;
            Assert.True(entry.Index <= firstIndex + entries.Count, $"disk: entry {entry.Index} leaves a gap after {firstIndex + entries.Count - 1}");
            var keep = (int)(entry.Index - firstIndex);
            if (keep < entries.Count)
            {
                entries.RemoveRange(keep, entries.Count - keep);
            }

            entries.Add(entry);
        }

        if (ready.HardState is { } hardState && writesKept-- > 0)
        {
            HardState = hardState;
        }
    }

    /// <summary>Writes a snapshot the replica took itself and drops entries it covers, keeping <paramref name="compactTo"/> boundary.</summary>
    public void SaveSnapshot(Snapshot snapshot, long compactTo)
    {
        Snapshot = snapshot;
        var drop = (int)Math.Clamp(compactTo - FirstIndex + 1, 0, entries.Count);
        entries.RemoveRange(0, drop);
        CompactedIndex = Math.Max(CompactedIndex, compactTo);
    }

    private long CompactedIndex { get; set; }

    private long FirstIndex => entries.Count > 0 ? entries[0].Index : Math.Max(CompactedIndex, Snapshot?.Metadata.Index ?? 0) + 1;

    /// <summary>What a restarting replica reads back. Entries before the snapshot's index are dropped, as recovery would.</summary>
    public RaftRestoreState Load(Platform.Consensus.Membership.ConfState initialConf)
    {
        var snapshotIndex = Snapshot?.Metadata.Index ?? 0;
        var durable = entries.Where(e => e.Index > snapshotIndex).ToList();
        return new RaftRestoreState(HardState, Snapshot, durable, initialConf);
    }
}
