using Platform.Storage.Files;

namespace Platform.Testing.Simulation;

/// <summary>
/// An in-memory file system that knows which writes were synced. A crash keeps every synced byte
/// and, of the writes since the last sync, a random prefix (the last of them possibly cut short: a
/// torn tail); the rest never happened. The real write-ahead log and its recovery run on it.
/// Directory operations are durable at once.
/// </summary>
public sealed class SimFileSystem : IStorageFileSystem
{
    private readonly Dictionary<string, SimFile> files = new(StringComparer.Ordinal);

    private sealed class SimFile
    {
        /// <summary>What the disk holds for sure.</summary>
        public List<byte> Durable { get; } = [];

        /// <summary>Writes since the last sync, in order: (offset, bytes).</summary>
        public List<(int Offset, byte[] Bytes)> Pending { get; } = [];

        public byte[] Current()
        {
            var bytes = new List<byte>(Durable);
            foreach (var (offset, data) in Pending)
            {
                WriteInto(bytes, offset, data);
            }

            return [.. bytes];
        }

        public void Sync()
        {
            foreach (var (offset, data) in Pending)
            {
                WriteInto(Durable, offset, data);
            }

            Pending.Clear();
        }

        public static void WriteInto(List<byte> bytes, int offset, ReadOnlySpan<byte> data)
        {
            while (bytes.Count < offset)
            {
                bytes.Add(0);
            }

            for (var i = 0; i < data.Length; i++)
            {
                if (offset + i < bytes.Count)
                {
                    bytes[offset + i] = data[i];
                }
                else
                {
                    bytes.Add(data[i]);
                }
            }
        }
    }

    /// <summary>The crash: of the unsynced writes of each file, a random prefix of their bytes survives.</summary>
    public void Crash(SimRandom random)
    {
        foreach (var file in files.Values)
        {
            var unsynced = file.Pending.Sum(p => p.Bytes.Length);
            var kept = unsynced == 0 ? 0 : random.Between(0, unsynced + 1);
            foreach (var (offset, data) in file.Pending)
            {
                var take = Math.Min(kept, data.Length);
                SimFile.WriteInto(file.Durable, offset, data.AsSpan(0, take));
                kept -= take;
            }

            file.Pending.Clear();
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
        var file = Get(path);
        return new Handle(file, file.Current().Length);
    }

    public IAppendFile OpenSegment(string path, long writeOffset, long preallocateBytes)
    {
        var file = Get(path);
        var length = file.Current().Length;
        if (length < preallocateBytes)
        {
            file.Sync();
            SimFile.WriteInto(file.Durable, length, new byte[preallocateBytes - length]);
        }

        return new Handle(file, (int)writeOffset);
    }

    private SimFile Get(string path)
    {
        if (!files.TryGetValue(path, out var file))
        {
            file = new SimFile();
            files[path] = file;
        }

        return file;
    }

    public byte[] ReadAllBytes(string path) => files.TryGetValue(path, out var file) ? file.Current() : throw new FileNotFoundException(path);

    public long Length(string path) => files[path].Current().Length;

    public void Truncate(string path, long length)
    {
        var file = files[path];
        file.Sync();
        file.Durable.RemoveRange((int)length, file.Durable.Count - (int)length);
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
        file.Durable.AddRange(bytes);
        files[path] = file;
    }

    private sealed class Handle(SimFile file, int position) : IAppendFile
    {
        private int position = position;

        public long Length => position;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            file.Pending.Add((position, bytes.ToArray()));
            position += bytes.Length;
        }

        public void Sync() => file.Sync();

        public void Dispose()
        {
        }
    }
}
