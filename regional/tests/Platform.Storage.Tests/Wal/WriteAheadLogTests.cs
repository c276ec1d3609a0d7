using Platform.Consensus;
using Platform.Consensus.Log;
using Platform.Storage.Files;
using Platform.Storage.Wal;

namespace Platform.Storage.Tests.Wal;

public sealed class WriteAheadLogTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Concurrent_writers_share_syncs_and_every_acknowledged_write_is_on_disk()
    {
        const int Writers = 256;
        using (var log = WriteAheadLog.Open(PhysicalFileSystem.Instance, temp.Path, null, out _))
        {
            await Task.WhenAll(Enumerable.Range(1, Writers).Select(group => Task.Run(() =>
                log.PersistAsync(new GroupWrite((ulong)group) { HardState = new HardState(1, 0, 1), Entries = [Entry.Normal(1, 1, new byte[64])] }))));

            Assert.Equal(Writers, log.Records);
            Assert.True(log.Syncs < log.Records, $"{log.Syncs} syncs for {log.Records} records: no group commit");
        }

        var recovery = WalReader.Recover(PhysicalFileSystem.Instance, temp.Path);
        Assert.Equal(Writers, recovery.Groups.Count);
        Assert.All(recovery.Groups.Values, g => Assert.Single(g.Entries));
    }

    [Fact]
    public async Task A_failed_sync_fails_the_waiting_writer_and_every_later_one()
    {
        var failing = new FailingFileSystem(PhysicalFileSystem.Instance);
        using var log = WriteAheadLog.Open(failing, temp.Path, null, out _);
        await log.PersistAsync(new GroupWrite(1) { Entries = [Entry.Normal(1, 1, new byte[1])] });

        failing.FailSyncs = true;
        await Assert.ThrowsAsync<IOException>(() => log.PersistAsync(new GroupWrite(1) { Entries = [Entry.Normal(2, 1, new byte[1])] }));
        failing.FailSyncs = false;
        await Assert.ThrowsAsync<IOException>(() => log.PersistAsync(new GroupWrite(1) { Entries = [Entry.Normal(3, 1, new byte[1])] }));
    }

    /// <summary>Delegates to a real file system, but can make every sync fail (a dying disk).</summary>
    private sealed class FailingFileSystem(IStorageFileSystem inner) : IStorageFileSystem
    {
        public bool FailSyncs { get; set; }

        public bool FileExists(string path) => inner.FileExists(path);

        public IReadOnlyList<string> ListFiles(string directory, string searchPattern) => inner.ListFiles(directory, searchPattern);

        public void CreateDirectory(string path) => inner.CreateDirectory(path);

        public IAppendFile OpenAppend(string path) => new FailingFile(inner.OpenAppend(path), this);

        public IAppendFile OpenSegment(string path, long writeOffset, long preallocateBytes) => new FailingFile(inner.OpenSegment(path, writeOffset, preallocateBytes), this);

        public byte[] ReadAllBytes(string path) => inner.ReadAllBytes(path);

        public long Length(string path) => inner.Length(path);

        public void Truncate(string path, long length) => inner.Truncate(path, length);

        public void Delete(string path) => inner.Delete(path);

        public void Rename(string source, string destination) => inner.Rename(source, destination);

        public void SyncDirectory(string directory) => inner.SyncDirectory(directory);

        public void WriteAllBytesDurably(string path, ReadOnlySpan<byte> bytes) => inner.WriteAllBytesDurably(path, bytes);

        private sealed class FailingFile(IAppendFile file, FailingFileSystem owner) : IAppendFile
        {
            public long Length => file.Length;

            public void Append(ReadOnlySpan<byte> bytes) => file.Append(bytes);

            public void Sync()
            {
                if (owner.FailSyncs)
                {
                    throw new IOException("EIO (simulated)");
                }

                file.Sync();
            }

            public void Dispose() => file.Dispose();
        }
    }
}
