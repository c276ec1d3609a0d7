using System.Globalization;
using Platform.Consensus;
using Platform.Storage.Files;

namespace Platform.Storage.Snapshots;

/// <summary>
/// Snapshots of every group on a node, under <c>&lt;node&gt;/snap/</c>, one file each:
/// <c>&lt;group&gt;-&lt;index&gt;.snap</c>. A snapshot is written to a temporary file, synced,
/// renamed into place and the directory synced, so a crash leaves either the old or the new one,
/// never half of one. The previous snapshot of a group is kept until the next one is in place.
/// </summary>
public sealed class SnapshotStore
{
    private const string Extension = ".snap";
    private readonly IStorageFileSystem files;

    public SnapshotStore(IStorageFileSystem files, string directory)
    {
        ArgumentNullException.ThrowIfNull(files);
        this.files = files;
        Directory = directory;
        files.CreateDirectory(directory);
    }

    public string Directory { get; }

    public static string FileName(ulong group, long index) =>
        string.Create(CultureInfo.InvariantCulture, $"{group:D20}-{index:D20}{Extension}");

    public void Save(ulong group, Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var final = Path.Combine(Directory, FileName(group, snapshot.Metadata.Index));
        var temporary = final + ".tmp";
        files.WriteAllBytesDurably(temporary, SnapshotFile.Encode(group, snapshot));
        files.Rename(temporary, final);
        files.SyncDirectory(Directory);
        RemoveOlderThan(group, snapshot.Metadata.Index);
    }

    /// <summary>Installs a snapshot received as a verified file (see <see cref="SnapshotReceiver"/>).</summary>
    internal void InstallStaged(string stagedPath, ulong group, long index)
    {
        files.Rename(stagedPath, Path.Combine(Directory, FileName(group, index)));
        files.SyncDirectory(Directory);
        RemoveOlderThan(group, index);
    }

    /// <summary>The newest snapshot of <paramref name="group"/>, checked; null when it has none.</summary>
    public Snapshot? LoadLatest(ulong group)
    {
        var path = Latest(group);
        if (path is null)
        {
            return null;
        }

        var (storedGroup, snapshot) = SnapshotFile.Decode(files.ReadAllBytes(path), path);
        if (storedGroup != group)
        {
            throw new SnapshotCorruptedException($"{path}: holds group {storedGroup}, not {group}");
        }

        return snapshot;
    }

    /// <summary>The encoded bytes of the newest snapshot, for streaming to a follower.</summary>
    public byte[]? ReadLatestBytes(ulong group) => Latest(group) is { } path ? files.ReadAllBytes(path) : null;

    public IReadOnlyList<ulong> Groups() =>
        [.. files.ListFiles(Directory, "*" + Extension).Select(Parse).Where(p => p is not null).Select(p => p!.Value.Group).Distinct().Order()];

    private string? Latest(ulong group) =>
        files.ListFiles(Directory, "*" + Extension)
            .Select(path => (Path: path, Parsed: Parse(path)))
            .Where(p => p.Parsed?.Group == group)
            .OrderBy(p => p.Parsed!.Value.Index)
            .Select(p => p.Path)
            .LastOrDefault();

    private void RemoveOlderThan(ulong group, long index)
    {
        foreach (var path in files.ListFiles(Directory, "*" + Extension))
        {
            if (Parse(path) is { } parsed && parsed.Group == group && parsed.Index < index)
            {
                files.Delete(path);
            }
        }
    }

    private static (ulong Group, long Index)? Parse(string path)
    {
        var parts = Path.GetFileNameWithoutExtension(path).Split('-');
        return parts.Length == 2
            && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var group)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? (group, index)
            : null;
    }
}
