using Platform.Consensus;
using Platform.Consensus.Membership;
using Platform.Regional.Hosting;
using Platform.Storage;
using Platform.Storage.Files;
using Platform.Storage.Snapshots;
using Platform.Storage.Wal;

namespace Platform.Regional.Replication;

/// <summary>
/// A node's disk: one write-ahead log (group commit) and one snapshot store shared by every replica
/// on the node, plus the identity file that ties the directory to this node. Opened once per process.
/// </summary>
public sealed class NodeStorage : IDisposable
{
    private const string IdentityFile = "replica-id";
    private readonly WalRecovery recovery;

    public NodeStorage(NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Directory.CreateDirectory(options.DataDirectory);
        ReplicaId = CheckIdentity(options);
        Wal = WriteAheadLog.Open(PhysicalFileSystem.Instance, Path.Combine(options.DataDirectory, "wal"), null, out recovery);
        Snapshots = new SnapshotStore(PhysicalFileSystem.Instance, Path.Combine(options.DataDirectory, "snap"));
    }

    public NodeOptions Options { get; }

    /// <summary>This node's replica id in every group of the region.</summary>
    public ulong ReplicaId { get; }

    public WriteAheadLog Wal { get; }

    public SnapshotStore Snapshots { get; }

    /// <summary>What a group's replica on this node restarts from; a new group starts with every region node as voter.</summary>
    public RaftRestoreState Restore(ulong group)
    {
        var voters = Options.RegionNodes.Select(Options.ReplicaIdOf);
        return GroupRestore.Build(recovery.Groups.GetValueOrDefault(group), Snapshots.LoadLatest(group), new ConfState(voters, []));
    }

    /// <summary>
    /// The data directory names the replica id it was created for. A directory written as another
    /// replica (a disk moved between nodes, or a configuration mistake) is refused rather than let
    /// a replica vote twice under two names.
    /// </summary>
    private static ulong CheckIdentity(NodeOptions options)
    {
        var expected = options.ReplicaIdOf(options.NodeName);
        var path = Path.Combine(options.DataDirectory, IdentityFile);
        if (!File.Exists(path))
        {
            PhysicalFileSystem.Instance.WriteAllBytesDurably(path, System.Text.Encoding.UTF8.GetBytes($"{options.Region}/{options.NodeName}/{expected}\n"));
            PhysicalFileSystem.Instance.SyncDirectory(options.DataDirectory);
            return expected;
        }

        var recorded = File.ReadAllText(path).Trim();
        if (recorded != $"{options.Region}/{options.NodeName}/{expected}")
        {
            throw new InvalidOperationException($"{path} says this data directory belongs to replica '{recorded}', not '{options.Region}/{options.NodeName}/{expected}'; refusing to start on it");
        }

        return expected;
    }

    public void Dispose() => Wal.Dispose();
}
