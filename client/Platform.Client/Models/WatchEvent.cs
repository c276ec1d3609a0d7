using System.Globalization;
using System.Text.Json;
using Platform.Client.Sse;

namespace Platform.Client.Models;

/// <summary>The <c>event:</c> types of a watch stream (docs/api.md, Watches).</summary>
public enum WatchEventKind
{
    /// <summary>An event type this client does not know; <see cref="WatchEvent.EventType"/> names it.</summary>
    Unknown,
    Put,
    Delete,
    Progress,
    /// <summary>The watch cannot continue from where it is (compacted or diverged history): relist.</summary>
    Compacted,
}

/// <summary>
/// One event of <c>GET /v1/ns/{ns}/watch</c>. <see cref="Revision"/> is the SSE <c>id:</c> (the
/// revision), or the data's <c>revision</c> when the stream sent no id. The data's JSON shape is
/// not fixed by the contract beyond the envelope members, so the common ones are lifted out
/// (<see cref="Key"/>, <see cref="Value"/>, <see cref="ContentType"/>) and <see cref="Data"/>
/// keeps the whole text.
/// </summary>
public sealed record WatchEvent(
    WatchEventKind Kind,
    string EventType,
    long? Revision,
    string? Key,
    byte[]? Value,
    string? ContentType,
    string Data)
{
    internal static WatchEvent From(SseMessage message)
    {
        var kind = message.EventType switch
        {
            "put" => WatchEventKind.Put,
            "delete" => WatchEventKind.Delete,
            "progress" => WatchEventKind.Progress,
            "compacted" => WatchEventKind.Compacted,
            _ => WatchEventKind.Unknown,
        };
        long? revision = long.TryParse(message.LastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        string? key = null;
        byte[]? value = null;
        string? contentType = null;
        if (TryParseObject(message.Data) is { } data)
        {
            using (data)
            {
                var root = data.RootElement;
                key = ReadString(root, "key");
                contentType = ReadString(root, "contentType");
                value = ReadString(root, "value") is { } base64 ? FromBase64(base64) : null;
                revision ??= ReadLong(root, "revision") ?? ReadLong(root, "modRevision");
            }
        }

        return new WatchEvent(kind, message.EventType, revision, key, value, contentType, message.Data);
    }

    private static JsonDocument? TryParseObject(string text)
    {
        try
        {
            var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            // Not JSON: the event still counts; Data keeps the text.
            return null;
        }
    }

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var member) && member.ValueKind == JsonValueKind.String ? member.GetString() : null;

    private static long? ReadLong(JsonElement root, string name) =>
        root.TryGetProperty(name, out var member) && member.ValueKind == JsonValueKind.Number && member.TryGetInt64(out var number) ? number : null;

    private static byte[]? FromBase64(string text)
    {
        var buffer = new byte[text.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
