using Platform.Consensus.Membership;
using Platform.Storage.Snapshots;
using Platform.Storage.Wal;
using Platform.Storage;
using Platform.Testing.Simulation;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>
/// A replica's disk: the real write-ahead log and snapshot store on a <see cref="SimFileSystem"/>.
/// Persisting a Ready appends one record and syncs; a crash loses what was not synced except a
/// random prefix (a torn tail), and a restart runs the real recovery.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The writer holds only in-memory files of the simulated file system; a crash or reload disposes it.")]
public sealed class SimDisk
{
    private const ulong Group = 1;
    private const string WalDirectory = "/node/wal";
    private const string SnapshotDirectory = "/node/snap";
    private static readonly WalOptions Options = new() { SegmentBytes = 16 << 10 };
    private readonly SimFileSystem files = new();
    private readonly SnapshotStore snapshots;
    private WalWriter? writer;

    public SimDisk()
    {
        snapshots = new SnapshotStore(files, SnapshotDirectory);
    }

    /// <summary>Persists a Ready; with <paramref name="crashRandom"/> set, a crash strikes before the sync completes.</summary>
    public void Persist(Ready ready, SimRandom? crashRandom = null)
    {
        var log = writer ?? throw new InvalidOperationException("the disk is not open");
        if (ready.Snapshot is { } snapshot && (crashRandom is null || crashRandom.Chance(0.5)))
        {
            // The snapshot file goes first; the log record that resets the log follows.
            snapshots.Save(Group, snapshot);
        }

        log.Append(GroupWrite.FromReady(Group, ready));
        if (crashRandom is not null)
        {
            Crash(crashRandom);
            return;
        }

        log.Sync();
    }

    /// <summary>Writes a snapshot the replica took itself, then records that the log was compacted through <paramref name="compactTo"/>.</summary>
    public void SaveSnapshot(Snapshot snapshot, long compactTo)
    {
        snapshots.Save(Group, snapshot);
        writer!.Append(new GroupWrite(Group) { CompactedThrough = compactTo });
        writer.Sync();
    }

    /// <summary>The process dies: buffered records never reach the file, unsynced bytes are lost or torn.</summary>
    public void Crash(SimRandom random)
    {
        // What the process had handed to the file is there, unsynced: the crash keeps a random prefix of it.
        writer?.Write();
        files.Crash(random);

        writer?.Dispose();
        writer = null;
    }

    /// <summary>Runs the real recovery and opens the log for appending; returns what the core restarts from.</summary>
    public RaftRestoreState Load(ConfState initialConf)
    {
        writer?.Dispose();
        var recovery = WalReader.Recover(files, WalDirectory);
        writer = new WalWriter(files, WalDirectory, recovery, Options);
        return GroupRestore.Build(recovery.Groups.GetValueOrDefault(Group), snapshots.LoadLatest(Group), initialConf);
    }
}
