using Platform.Consensus;
using Platform.Storage.Files;

namespace Platform.Storage.Snapshots;

/// <summary>
/// Receives a snapshot streamed in chunks (InstallSnapshot): each chunk is appended to a staging
/// file and synced before it is acknowledged, so a transfer interrupted by a crash resumes from the
/// staged length. Once complete the whole file is verified and renamed into the store atomically.
/// </summary>
public sealed class SnapshotReceiver
{
    private readonly IStorageFileSystem files;
    private readonly SnapshotStore store;

    public SnapshotReceiver(IStorageFileSystem files, SnapshotStore store)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(store);
        this.files = files;
        this.store = store;
    }

    private string StagingPath(ulong group, long index) => Path.Combine(store.Directory, SnapshotStore.FileName(group, index) + ".staging");

    /// <summary>Bytes already staged for this transfer: where the sender should resume.</summary>
    public long StagedBytes(ulong group, long index) =>
        files.FileExists(StagingPath(group, index)) ? files.Length(StagingPath(group, index)) : 0;

    /// <summary>Appends the chunk that starts at <paramref name="offset"/>; returns the staged length after it.</summary>
    public long AcceptChunk(ulong group, long index, long offset, ReadOnlySpan<byte> chunk)
    {
        var path = StagingPath(group, index);
        var staged = StagedBytes(group, index);
        if (offset != staged)
        {
            throw new InvalidOperationException($"snapshot chunk at offset {offset} does not follow the {staged} bytes staged");
        }

        using var file = files.OpenAppend(path);
        file.Append(chunk);
        file.Sync();
        return staged + chunk.Length;
    }

    /// <summary>Drops a staged transfer (it failed verification): the sender starts again from zero.</summary>
    public void Discard(ulong group, long index)
    {
        var path = StagingPath(group, index);
        if (files.FileExists(path))
        {
            files.Delete(path);
        }
    }

    /// <summary>Verifies the staged file and installs it; returns the snapshot for the state machine.</summary>
    public Snapshot Complete(ulong group, long index)
    {
        var path = StagingPath(group, index);
        var (storedGroup, snapshot) = SnapshotFile.Decode(files.ReadAllBytes(path), path);
        if (storedGroup != group || snapshot.Metadata.Index != index)
        {
            throw new SnapshotCorruptedException($"{path}: staged snapshot is for group {storedGroup} index {snapshot.Metadata.Index}");
        }

        store.InstallStaged(path, group, index);
        return snapshot;
    }
}
