using Platform.Storage.Files;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>
/// An in-memory file system that knows which bytes were synced. A crash keeps the synced bytes
/// of every file and a random prefix of the unsynced ones (a torn tail), so the real write-ahead
/// log and its recovery run under the simulator. Directory operations are durable at once.
/// </summary>
public sealed class SimFileSystem : IStorageFileSystem
{
    private readonly Dictionary<string, SimFile> files = new(StringComparer.Ordinal);

    private sealed class SimFile
    {
        public List<byte> Bytes { get; } = [];

        public int SyncedLength { get; set; }
    }

    /// <summary>Loses what was not synced, except a random prefix of it in each file.</summary>
    public void Crash(SimRandom random)
    {
        foreach (var file in files.Values)
        {
            var unsynced = file.Bytes.Count - file.SyncedLength;
            if (unsynced > 0)
            {
                var kept = random.Between(0, unsynced + 1);
                file.Bytes.RemoveRange(file.SyncedLength + kept, unsynced - kept);
            }
        }
    }

    public bool FileExists(string path) => files.ContainsKey(path);

    public IReadOnlyList<string> ListFiles(string directory, string searchPattern)
    {
        var extension = searchPattern.TrimStart('*');
        return [.. files.Keys.Where(p => Path.GetDirectoryName(p) == directory && p.EndsWith(extension, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }

    public void CreateDirectory(string path)
    {
    }

    public IAppendFile OpenAppend(string path)
    {
        if (!files.TryGetValue(path, out var file))
        {
            file = new SimFile();
            files[path] = file;
        }

        return new AppendHandle(file);
    }

    public byte[] ReadAllBytes(string path) => files.TryGetValue(path, out var file) ? [.. file.Bytes] : throw new FileNotFoundException(path);

    public long Length(string path) => files[path].Bytes.Count;

    public void Truncate(string path, long length)
    {
        var file = files[path];
        file.Bytes.RemoveRange((int)length, file.Bytes.Count - (int)length);
        file.SyncedLength = Math.Min(file.SyncedLength, (int)length);
    }

    public void Delete(string path) => files.Remove(path);

    public void Rename(string source, string destination)
    {
        files[destination] = files[source];
        files.Remove(source);
    }

    public void SyncDirectory(string directory)
    {
    }

    public void WriteAllBytesDurably(string path, ReadOnlySpan<byte> bytes)
    {
        var file = new SimFile();
        file.Bytes.AddRange(bytes);
        file.SyncedLength = bytes.Length;
        files[path] = file;
    }

    private sealed class AppendHandle(SimFile file) : IAppendFile
    {
        public long Length => file.Bytes.Count;

        public void Append(ReadOnlySpan<byte> bytes) => file.Bytes.AddRange(bytes);

        public void Sync() => file.SyncedLength = file.Bytes.Count;

        public void Dispose()
        {
        }
    }
}
