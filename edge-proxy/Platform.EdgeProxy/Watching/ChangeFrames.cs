using System.Globalization;
using System.Text;
using System.Text.Json;
using Platform.EdgeProxy.Caching;

namespace Platform.EdgeProxy.Watching;

/// <summary>
/// Turns an upstream watch event into what the edge keeps: the cache entry it implies and the
/// frame every downstream watcher is sent (the region's own JSON data, unchanged).
/// </summary>
public static class ChangeFrames
{
    private sealed record ChangeData(string? Type, string? Key, string? Value, string? ContentType, long CreateRevision, long ModRevision, long Version, long Revision);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Null when the data is not a change the edge understands (it is then skipped, never half-applied).</summary>
    public static (string Key, CachedValue Value, BufferedEvent Event)? From(string eventType, long? id, string data)
    {
        ChangeData? change;
        try
        {
            change = JsonSerializer.Deserialize<ChangeData>(data, Json);
        }
        catch (JsonException)
        {
            return null;
        }

        if (change?.Key is not { } key)
        {
            return null;
        }

        var revision = id ?? (change.Revision != 0 ? change.Revision : change.ModRevision);
        CachedValue value;
        if (eventType == "put")
        {
            var bytes = change.Value is { } base64 ? Convert.FromBase64String(base64) : [];
            value = CachedValue.Present(bytes, change.ContentType ?? "application/octet-stream", change.CreateRevision, revision, change.Version, revision);
        }
        else if (eventType == "delete")
        {
            value = CachedValue.Absent(revision);
        }
        else
        {
            return null;
        }

        return (key, value, new BufferedEvent(revision, key, Frame(revision, eventType, data), data));
    }

    /// <summary>One SSE frame: <c>id</c>, <c>event</c> and one <c>data</c> line (the JSON has no line breaks).</summary>
    public static byte[] Frame(long? id, string eventType, string data)
    {
        var text = new StringBuilder(data.Length + 48);
        if (id is { } revision)
        {
            text.Append("id: ").Append(revision.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("event: ").Append(eventType).Append("\ndata: ").Append(data).Append("\n\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
