using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Consensus;
using Platform.Consensus.Log;
using Platform.Consensus.Membership;
using Platform.Consensus.Messages;
using Platform.Regional.Hosting;
using Platform.Regional.Observability;
using Platform.Regional.Replicas;
using Platform.Regional.StateMachine;
using Platform.Regional.Transport;
using Platform.Storage.Snapshots;

namespace Platform.Regional.Tests.Transport;

/// <summary>
/// a snapshot transfer whose every byte is already staged at the receiver (it crashed,
/// or Complete failed, after the last chunk was synced) is never installed: the streamer resumes
/// at the staged offset, finds nothing left to send and never sends the chunk carrying the header.
/// </summary>
public sealed class SnapshotStreamerTests : IDisposable
{
    private const long SnapshotIndex = 50;
    private readonly string directory = Path.Combine(Path.GetTempPath(), "platform-review", Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        services.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Control_a_fresh_transfer_is_installed()
    {
        using var storage = Storage();
        var core = Core(storage);
        var (install, _) = LeaderSnapshot();
        var streamer = new SnapshotStreamer(0, 1024, (_, chunk) => core.ReceiveSnapshotChunkAsync(chunk), NullLogger.Instance);

        streamer.Send("node-1", install);

        Assert.True(await AppliedAsync(core, SnapshotIndex, TimeSpan.FromSeconds(5)), $"applied {core.AppliedIndex}");
    }

    [Fact]
    public async Task A_fully_staged_but_uncompleted_transfer_is_still_installed_when_the_leader_resends()
    {
        using var storage = Storage();
        var (install, bytes) = LeaderSnapshot();

        // The receiver synced the last chunk, then died before Complete renamed the file into place.
        storage.SnapshotReceiver.AcceptChunk(0, SnapshotIndex, 0, bytes);
        var core = Core(storage);
        var streamer = new SnapshotStreamer(0, 1024, (_, chunk) => core.ReceiveSnapshotChunkAsync(chunk), NullLogger.Instance);

        // The leader resends (the same snapshot, as it does until the follower answers).
        for (var attempt = 0; attempt < 3; attempt++)
        {
            streamer.Send("node-1", install);
            await Task.Delay(300, TestContext.Current.CancellationToken);
        }

        Assert.True(await AppliedAsync(core, SnapshotIndex, TimeSpan.FromSeconds(3)), $"applied {core.AppliedIndex}: the snapshot was never installed");
    }

    private NodeStorage Storage()
    {
        var options = new NodeOptions
        {
            Region = "test",
            NodeName = "node-1",
            DataDirectory = directory,
            RegionNodes = ["node-1", "node-2", "node-3"],
            Groups = 1,
        };
        identity = new NodeIdentity(options, NullLogger<NodeIdentity>.Instance);
        identity.Decide(regionHasData: false);
        return new NodeStorage(options, identity);
    }

    private NodeIdentity identity = null!;

    private ReplicaCore Core(NodeStorage storage) =>
        new(0, storage, new RegionalTopology(0, storage.Options, identity), new RegionalMetrics(services.GetRequiredService<IMeterFactory>()), NullLogger<ReplicaCore>.Instance);

    private static (Message Install, byte[] Bytes) LeaderSnapshot()
    {
        var machine = new GroupStateMachine();
        machine.Apply(Entry.Normal(1, 1, GroupCommandCodec.Encode(new CreateNamespaceCommand("payments"))));
        for (long i = 2; i <= SnapshotIndex; i++)
        {
            machine.Apply(Entry.Normal(i, 1, GroupCommandCodec.Encode(new NamespaceCommand("payments", new Platform.Storage.Mvcc.PutCommand($"k{i}", new byte[100], "x")))));
        }

        var snapshot = new Snapshot(new SnapshotMetadata(SnapshotIndex, 1, new ConfState([1UL, 2UL, 3UL], [])), machine.ToSnapshot());
        var install = new Message { Type = MessageType.InstallSnapshot, From = 2, To = 1, Term = 1, Snapshot = snapshot };
        return (install, SnapshotFile.Encode(0, snapshot));
    }

    private static async Task<bool> AppliedAsync(ReplicaCore core, long index, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            if (core.AppliedIndex >= index)
            {
                return true;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return core.AppliedIndex >= index;
    }

}
