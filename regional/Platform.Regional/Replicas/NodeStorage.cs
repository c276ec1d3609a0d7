using Platform.Consensus;
using Platform.Consensus.Membership;
using Platform.Regional.Hosting;
using Platform.Storage;
using Platform.Storage.Files;
using Platform.Storage.Snapshots;
using Platform.Storage.Wal;

namespace Platform.Regional.Replicas;

/// <summary>
/// A node's disk: one write-ahead log (group commit) and one snapshot store shared by every replica
/// on the node, plus the identity file that ties the directory to this node. Opened once per process.
/// </summary>
public sealed class NodeStorage : IDisposable
{
    private readonly WalRecovery recovery;
    private readonly NodeIdentity identity;

    public NodeStorage(NodeOptions options, NodeIdentity identity)
        : this(options, identity, PhysicalFileSystem.Instance, null)
    {
    }

    /// <summary>On another file system (a simulation's), with the log's options (its flush scheduler).</summary>
    public NodeStorage(NodeOptions options, NodeIdentity identity, IStorageFileSystem files, WalOptions? walOptions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(files);
        Options = options;
        this.identity = identity;
        files.CreateDirectory(options.DataDirectory);
        Wal = WriteAheadLog.Open(files, Path.Combine(options.DataDirectory, "wal"), walOptions, out recovery);
        Snapshots = new SnapshotStore(files, Path.Combine(options.DataDirectory, "snap"));
        SnapshotReceiver = new SnapshotReceiver(files, Snapshots);
    }

    public NodeOptions Options { get; }

    /// <summary>This node's replica id in every group of the region (decided by <see cref="NodeIdentity"/>).</summary>
    public ulong ReplicaId => identity.ReplicaId;

    public WriteAheadLog Wal { get; }

    public SnapshotStore Snapshots { get; }

    /// <summary>Stages snapshots streamed from a leader in fsynced chunks and installs them atomically.</summary>
    public SnapshotReceiver SnapshotReceiver { get; }

    /// <summary>
    /// What a group's replica on this node restarts from; a group with nothing on disk starts from
    /// <paramref name="initial"/> (its topology's first configuration).
    /// </summary>
    public RaftRestoreState Restore(ulong group, ConfState initial) =>
        GroupRestore.Build(recovery.Groups.GetValueOrDefault(group), Snapshots.LoadLatest(group), initial);

    public void Dispose() => Wal.Dispose();
}
