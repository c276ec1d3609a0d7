using System.Text.Json;

namespace Platform.Configuration;

/// <summary>
/// The last configuration loaded, on disk: what a service starts with while the platform cannot be
/// reached, so an outage never blocks a start-up. Written to a temporary file and moved into place,
/// so a crash mid-write leaves the previous one.
/// </summary>
internal static class LastKnownGood
{
    private sealed record Snapshot(long Revision, Dictionary<string, string?> Data);

    public static void Write(string path, long revision, IDictionary<string, string?> data)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Snapshot(revision, new Dictionary<string, string?>(data, StringComparer.OrdinalIgnoreCase))));
        File.Move(temporary, path, overwrite: true);
    }

    public static (long Revision, Dictionary<string, string?> Data)? Read(string path)
    {
        try
        {
            var snapshot = JsonSerializer.Deserialize<Snapshot>(File.ReadAllText(path));
            return snapshot is null ? null : (snapshot.Revision, new Dictionary<string, string?>(snapshot.Data, StringComparer.OrdinalIgnoreCase));
        }
        catch (Exception unreadable) when (unreadable is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
