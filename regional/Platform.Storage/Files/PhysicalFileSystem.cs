using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Platform.Storage.Files;

/// <summary>The real disk. Sync means fdatasync on Linux (data and the size, not the timestamps), fsync elsewhere.</summary>
public sealed partial class PhysicalFileSystem : IStorageFileSystem
{
    public static readonly PhysicalFileSystem Instance = new();

    public bool FileExists(string path) => File.Exists(path);

    public IReadOnlyList<string> ListFiles(string directory, string searchPattern) =>
        Directory.Exists(directory) ? [.. Directory.GetFiles(directory, searchPattern).Order(StringComparer.Ordinal)] : [];

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public IAppendFile OpenAppend(string path) => new PhysicalAppendFile(path);

    public IAppendFile OpenSegment(string path, long writeOffset, long preallocateBytes) => new PreallocatedFile(path, writeOffset, preallocateBytes);

    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);

    public long Length(string path) => new FileInfo(path).Length;

    public void Truncate(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        stream.SetLength(length);
        DataSync(stream.SafeFileHandle);
    }

    public void Delete(string path) => File.Delete(path);

    public void Rename(string source, string destination) => File.Move(source, destination, overwrite: true);

    public void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // Opening a directory read-only and fsyncing it is how POSIX makes renames and creations durable.
        var descriptor = Open(directory, 0);
        if (descriptor < 0)
        {
            throw new IOException($"cannot open directory '{directory}' to sync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    public void WriteAllBytesDurably(string path, ReadOnlySpan<byte> bytes)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        stream.Write(bytes);
        DataSync(stream.SafeFileHandle);
    }

    internal static void DataSync(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        if (Fdatasync(handle) != 0)
        {
            throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(SafeFileHandle descriptor);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);

    /// <summary>A file written at increasing offsets inside a zero-filled preallocated region (growing past it if it must).</summary>
    private sealed class PreallocatedFile : IAppendFile
    {
        private const int ZeroChunkBytes = 1 << 20;
        private readonly FileStream stream;
        private long position;

        public PreallocatedFile(string path, long writeOffset, long preallocateBytes)
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
            position = writeOffset;
            if (stream.Length < preallocateBytes)
            {
                // Real zeros, not a sparse extension or fallocate's unwritten extents: writing into
                // either still changes metadata that each sync would then have to flush.
                var zeros = new byte[ZeroChunkBytes];
                for (var at = stream.Length; at < preallocateBytes; at += ZeroChunkBytes)
                {
                    RandomAccess.Write(stream.SafeFileHandle, zeros.AsSpan(0, (int)Math.Min(ZeroChunkBytes, preallocateBytes - at)), at);
                }

                DataSync(stream.SafeFileHandle);
            }
        }

        public long Length => position;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            RandomAccess.Write(stream.SafeFileHandle, bytes, position);
            position += bytes.Length;
        }

        public void Sync() => DataSync(stream.SafeFileHandle);

        public void Dispose() => stream.Dispose();
    }

    private sealed class PhysicalAppendFile : IAppendFile
    {
        private readonly FileStream stream;

        public PhysicalAppendFile(string path)
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0);
            stream.Seek(0, SeekOrigin.End);
        }

        public long Length => stream.Length;

        public void Append(ReadOnlySpan<byte> bytes) => stream.Write(bytes);

        public void Sync() => DataSync(stream.SafeFileHandle);

        public void Dispose() => stream.Dispose();
    }
}
