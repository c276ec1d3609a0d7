namespace Platform.Storage.Wal;

/// <summary>One segment as recovery found it: its records' sequences and, per group, the highest entry index it holds.</summary>
public sealed class WalSegmentInfo(string path, ulong firstSequence)
{
    public string Path { get; } = path;

    public ulong FirstSequence { get; } = firstSequence;

    public ulong LastSequence { get; set; }

    public long ValidBytes { get; set; }

    public Dictionary<ulong, long> MaxEntryIndexByGroup { get; } = [];
}

/// <summary>Everything replayed from a node's log, and what state the log was in.</summary>
public sealed class WalRecovery
{
    public Dictionary<ulong, RecoveredGroup> Groups { get; } = [];

    public List<WalSegmentInfo> Segments { get; } = [];

    public ulong LastSequence { get; set; }

    public long Records { get; set; }

    public long Bytes { get; set; }

    public WalHealth Health { get; set; } = WalHealth.Healthy;

    public RecoveredGroup Group(ulong group)
    {
        if (!Groups.TryGetValue(group, out var recovered))
        {
            recovered = new RecoveredGroup(group);
            Groups[group] = recovered;
        }

        return recovered;
    }
}
