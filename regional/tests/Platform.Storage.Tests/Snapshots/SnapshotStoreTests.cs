using Platform.Consensus;
using Platform.Consensus.Membership;
using Platform.Storage.Files;
using Platform.Storage.Snapshots;

namespace Platform.Storage.Tests.Snapshots;

public sealed class SnapshotStoreTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static Snapshot MakeSnapshot(long index, string data) =>
        new(new SnapshotMetadata(index, 3, new ConfState([1, 2, 3], [4])), System.Text.Encoding.UTF8.GetBytes(data));

    private SnapshotStore Store() => new(PhysicalFileSystem.Instance, temp.Combine("snap"));

    [Fact]
    public void The_latest_snapshot_of_each_group_loads_back_and_older_ones_are_removed()
    {
        var store = Store();
        store.Save(1, MakeSnapshot(10, "ten"));
        store.Save(1, MakeSnapshot(20, "twenty"));
        store.Save(2, MakeSnapshot(5, "five"));

        var loaded = Store().LoadLatest(1)!;

        Assert.Equal((20L, 3L), (loaded.Metadata.Index, loaded.Metadata.Term));
        Assert.Equal(new ConfState([1, 2, 3], [4]), loaded.Metadata.ConfState);
        Assert.Equal("twenty", System.Text.Encoding.UTF8.GetString(loaded.Data.Span));
        Assert.Equal([1UL, 2], Store().Groups());
        Assert.Equal(2, Directory.GetFiles(temp.Combine("snap")).Length);
        Assert.Null(Store().LoadLatest(3));
    }

    [Fact]
    public void A_damaged_snapshot_is_refused_by_its_checksum()
    {
        var store = Store();
        store.Save(1, MakeSnapshot(10, "ten"));
        var path = Directory.GetFiles(temp.Combine("snap")).Single();
        var bytes = File.ReadAllBytes(path);
        bytes[^6] ^= 1;
        File.WriteAllBytes(path, bytes);

        var refused = Assert.Throws<SnapshotCorruptedException>(() => store.LoadLatest(1));
        Assert.Contains("checksum", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_streamed_snapshot_is_staged_chunk_by_chunk_resumes_and_installs_whole()
    {
        var source = Store();
        source.Save(7, MakeSnapshot(42, new string('z', 10_000)));
        var bytes = source.ReadLatestBytes(7)!;

        var target = new SnapshotStore(PhysicalFileSystem.Instance, temp.Combine("other", "snap"));
        var receiver = new SnapshotReceiver(PhysicalFileSystem.Instance, target);
        receiver.AcceptChunk(7, 42, 0, bytes.AsSpan(0, 4000));

        // A new receiver (as after a restart) resumes from what was staged.
        var resumed = new SnapshotReceiver(PhysicalFileSystem.Instance, target);
        Assert.Equal(4000, resumed.StagedBytes(7, 42));
        Assert.Throws<InvalidOperationException>(() => resumed.AcceptChunk(7, 42, 0, bytes.AsSpan(0, 10)));
        resumed.AcceptChunk(7, 42, 4000, bytes.AsSpan(4000));
        var installed = resumed.Complete(7, 42);

        Assert.Equal(42, installed.Metadata.Index);
        Assert.Equal(10_000, target.LoadLatest(7)!.Data.Length);
        Assert.Equal(0, resumed.StagedBytes(7, 42));
    }

    [Fact]
    public void An_incomplete_transfer_does_not_install()
    {
        var source = Store();
        source.Save(7, MakeSnapshot(42, "data"));
        var bytes = source.ReadLatestBytes(7)!;
        var target = new SnapshotStore(PhysicalFileSystem.Instance, temp.Combine("other", "snap"));
        var receiver = new SnapshotReceiver(PhysicalFileSystem.Instance, target);
        receiver.AcceptChunk(7, 42, 0, bytes.AsSpan(0, bytes.Length - 3));

        Assert.Throws<SnapshotCorruptedException>(() => receiver.Complete(7, 42));
        Assert.Null(target.LoadLatest(7));
    }
}
