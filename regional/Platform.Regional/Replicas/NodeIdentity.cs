using Microsoft.Extensions.Logging;
using Platform.Regional.Hosting;
using Platform.Storage.Files;

namespace Platform.Regional.Replicas;

/// <summary>
/// Which replica this node's data directory is. A directory that already names one keeps it. A
/// fresh directory is either part of a brand-new region (every node fresh: replica id = position,
/// incarnation 0) or a wiped node rejoining a region that has data (a new incarnation, so it joins
/// as a learner and never answers for the votes its previous disk cast). Telling the two apart
/// needs the other nodes: a fresh node waits until every node of the region answers, or until any
/// one of them says the region has data.
/// </summary>
/// <param name="files">The disk the identity file lives on (a simulation's; the node's own when null).</param>
public sealed partial class NodeIdentity(NodeOptions options, ILogger<NodeIdentity> logger, IStorageFileSystem? files = null)
{
    private readonly IStorageFileSystem disk = files ?? PhysicalFileSystem.Instance;

    private const string IdentityFile = "replica-id";
    private readonly TaskCompletionSource<ulong> decided = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The replica id, once decided; reading it earlier is a bug.</summary>
    public ulong ReplicaId => decided.Task.IsCompletedSuccessfully ? decided.Task.Result : throw new InvalidOperationException("this node's replica id is not decided yet");

    public bool IsDecided => decided.Task.IsCompletedSuccessfully;

    /// <summary>True when this replica is a rejoining incarnation: its groups start with no configuration and ask to be added.</summary>
    public bool IsRejoining => NodeOptions.IncarnationOf(ReplicaId) != 0;

    private string IdentityPath => Path.Combine(options.DataDirectory, IdentityFile);

    /// <summary>Reads the identity file if there is one; true when that settled the id.</summary>
    public bool TryLoad()
    {
        if (IsDecided)
        {
            return true;
        }

        var wal = Path.Combine(options.DataDirectory, "wal");
        var hasLog = disk.ListFiles(wal, "*.wal").Count > 0;
        if (!disk.FileExists(IdentityPath))
        {
            if (hasLog)
            {
                throw new InvalidOperationException($"{options.DataDirectory} holds a write-ahead log but no {IdentityFile} file; refusing to guess whose log it is");
            }

            return false;
        }

        if (!hasLog)
        {
            // The identity survived but its log did not (wal/ deleted or lost): the votes it cast
            // are gone, so it must not come back under the same id. Decide afresh, like a wiped node.
            return false;
        }

        var recorded = System.Text.Encoding.UTF8.GetString(disk.ReadAllBytes(IdentityPath)).Trim().Split('/');
        if (recorded.Length != 3 || recorded[0] != options.Region || recorded[1] != options.NodeName
            || !ulong.TryParse(recorded[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            || NodeOptions.OrdinalOfReplica(id) != options.OrdinalOf(options.NodeName))
        {
            throw new InvalidOperationException($"{IdentityPath} says this data directory belongs to '{string.Join('/', recorded)}', not to {options.Region}/{options.NodeName}; refusing to start on it");
        }

        decided.TrySetResult(id);
        return true;
    }

    /// <summary>Decides a fresh directory's id from what the other nodes say, and records it durably.</summary>
    public void Decide(bool regionHasData)
    {
        var incarnation = regionHasData ? (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() : 0;
        var id = options.ReplicaIdOf(options.NodeName, incarnation);
        disk.CreateDirectory(options.DataDirectory);
        disk.WriteAllBytesDurably(IdentityPath, System.Text.Encoding.UTF8.GetBytes($"{options.Region}/{options.NodeName}/{id}\n"));
        disk.SyncDirectory(options.DataDirectory);
        LogDecided(logger, options.NodeName, id, regionHasData ? "rejoining a region that has data, as a learner" : "a new region");
        decided.TrySetResult(id);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "node {Node} is replica {Replica}: {Why}")]
    private static partial void LogDecided(ILogger logger, string node, ulong replica, string why);
}
