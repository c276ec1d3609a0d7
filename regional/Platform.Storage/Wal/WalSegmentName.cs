using System.Globalization;

namespace Platform.Storage.Wal;

/// <summary>Segments are named by the sequence of their first record, zero-padded so names sort in log order.</summary>
public static class WalSegmentName
{
    public const string Pattern = "*.wal";

    public static string For(string directory, ulong firstSequence) =>
        Path.Combine(directory, firstSequence.ToString("D20", CultureInfo.InvariantCulture) + ".wal");

    /// <summary>Where a new segment is built before it is renamed into place; recovery never reads it.</summary>
    public static string Temporary(string segmentPath) => Path.ChangeExtension(segmentPath, ".building");

    public static ulong? FirstSequence(string path) =>
        ulong.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : null;
}
