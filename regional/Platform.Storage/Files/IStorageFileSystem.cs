namespace Platform.Storage.Files;

/// <summary>
/// The file operations the node's storage needs, and nothing more. The real implementation is
/// <see cref="PhysicalFileSystem"/>; the simulator's keeps written-but-unsynced bytes apart and
/// loses or tears them at a crash, so the same write-ahead log and recovery code is tested both ways.
/// </summary>
public interface IStorageFileSystem
{
    bool FileExists(string path);

    IReadOnlyList<string> ListFiles(string directory, string searchPattern);

    void CreateDirectory(string path);

    /// <summary>Opens (creating if needed) a file for appending at its end.</summary>
    IAppendFile OpenAppend(string path);

    /// <summary>
    /// Opens (creating if needed) a log segment whose first <paramref name="preallocateBytes"/> bytes
    /// exist and are zero on disk, writing from <paramref name="writeOffset"/>. Overwriting blocks that
    /// already exist changes no file metadata, so each sync flushes data only: on ext4 an fdatasync
    /// after such an overwrite costs well under half of one after an append.
    /// </summary>
    IAppendFile OpenSegment(string path, long writeOffset, long preallocateBytes);

    byte[] ReadAllBytes(string path);

    long Length(string path);

    /// <summary>Cuts a file to <paramref name="length"/> bytes and makes that durable.</summary>
    void Truncate(string path, long length);

    void Delete(string path);

    /// <summary>Atomically replaces <paramref name="destination"/> with <paramref name="source"/>.</summary>
    void Rename(string source, string destination);

    /// <summary>Makes a directory's entries (creations, renames, deletions) durable.</summary>
    void SyncDirectory(string directory);

    /// <summary>Writes a whole file and makes its contents durable (not its directory entry).</summary>
    void WriteAllBytesDurably(string path, ReadOnlySpan<byte> bytes);
}

/// <summary>A file open for appending.</summary>
public interface IAppendFile : IDisposable
{
    /// <summary>Where the next write lands: the logical end of what was written (preallocated zeros after it do not count).</summary>
    long Length { get; }

    void Append(ReadOnlySpan<byte> bytes);

    /// <summary>Makes every appended byte durable (fdatasync where the platform has it).</summary>
    void Sync();
}
