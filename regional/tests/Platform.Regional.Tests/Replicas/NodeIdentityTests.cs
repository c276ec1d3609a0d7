using Microsoft.Extensions.Logging.Abstractions;
using Platform.Regional.Hosting;
using Platform.Regional.Replicas;

namespace Platform.Regional.Tests.Replicas;

/// <summary>
/// A data directory whose write-ahead log is gone but whose replica-id file survived (the
/// wal/ directory deleted or lost) comes back as the same voter with term 0 and no vote recorded,
/// would vote a second time in a term its lost log already voted in: it must decide afresh.
/// </summary>
public sealed class NodeIdentityTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "platform-review", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void An_identity_whose_log_was_lost_is_not_taken_back_as_the_same_voter()
    {
        var options = new NodeOptions { Region = "test", NodeName = "node-1", DataDirectory = directory, RegionNodes = ["node-1", "node-2", "node-3"], Groups = 1 };
        var first = new NodeIdentity(options, NullLogger<NodeIdentity>.Instance);
        first.Decide(regionHasData: false);
        using (var storage = new NodeStorage(options, first))
        {
            // The node ran (its WAL directory exists with segments once anything is persisted).
        }

        Directory.Delete(Path.Combine(directory, "wal"), recursive: true);

        var restarted = new NodeIdentity(options, NullLogger<NodeIdentity>.Instance);

        Assert.False(restarted.TryLoad(), "the identity was taken back although its log is gone");

        // Its peers have data, so it rejoins under a new incarnation, on the same node.
        restarted.Decide(regionHasData: true);
        Assert.True(restarted.IsRejoining);
        Assert.NotEqual(first.ReplicaId, restarted.ReplicaId);
        Assert.Equal(NodeOptions.OrdinalOfReplica(first.ReplicaId), NodeOptions.OrdinalOfReplica(restarted.ReplicaId));
    }
}
