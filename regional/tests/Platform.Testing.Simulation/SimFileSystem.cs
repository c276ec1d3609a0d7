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
        // What the disk holds for sure: the first DurableLength bytes of a buffer that only grows
        // (copied in spans: every WAL sync and segment roll of a run lands here).
        private byte[] durable = [];

        public int DurableLength { get; private set; }

        /// <summary>Writes since the last sync, in order: (offset, bytes).</summary>
        public List<(int Offset, byte[] Bytes)> Pending { get; } = [];

        public static SimFile Holding(ReadOnlySpan<byte> bytes)
        {
            var file = new SimFile();
            file.WriteDurably(0, bytes);
            return file;
        }

        /// <summary>The length a reader sees: a write past the end extends the file, zeros before it.</summary>
        public int CurrentLength()
        {
            var length = DurableLength;
            foreach (var (offset, data) in Pending)
            {
                length = Math.Max(length, offset + data.Length);
            }

            return length;
        }

        public byte[] Current()
        {
            var bytes = new byte[CurrentLength()];
            durable.AsSpan(0, DurableLength).CopyTo(bytes);
            foreach (var (offset, data) in Pending)
            {
                data.CopyTo(bytes, offset);
            }

            return bytes;
        }

        public void Sync()
        {
            foreach (var (offset, data) in Pending)
            {
                WriteDurably(offset, data);
            }

            Pending.Clear();
        }

        /// <summary>Writes to the durable bytes at <paramref name="offset"/>, zero-filling any gap before it.</summary>
        public void WriteDurably(int offset, ReadOnlySpan<byte> data)
        {
            var end = offset + data.Length;
            if (end > DurableLength)
            {
                if (end > durable.Length)
                {
                    Array.Resize(ref durable, Math.Max(end, durable.Length * 2));
                }

                // Bytes past the length may be left from before a truncation: the file reads zeros there.
                durable.AsSpan(DurableLength, end - DurableLength).Clear();
                DurableLength = end;
            }

            data.CopyTo(durable.AsSpan(offset));
        }

        public void Truncate(int length)
        {
            Sync();
            ArgumentOutOfRangeException.ThrowIfGreaterThan(length, DurableLength);
            DurableLength = length;
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
                file.WriteDurably(offset, data.AsSpan(0, take));
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
        return new Handle(file, file.CurrentLength());
    }

    public IAppendFile OpenSegment(string path, long writeOffset, long preallocateBytes)
    {
        var file = Get(path);
        var length = file.CurrentLength();
        if (length < preallocateBytes)
        {
            file.Sync();
            file.WriteDurably((int)preallocateBytes, []);
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

    public long Length(string path) => files[path].CurrentLength();

    public void Truncate(string path, long length) => files[path].Truncate((int)length);

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
        files[path] = SimFile.Holding(bytes);
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
