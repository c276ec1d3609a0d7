using Platform.Client.Models;

namespace Platform.Cli.Output;

/// <summary>
/// One line of <c>kv watch --output json</c> (JSON Lines, one event per line, flushed as it comes):
/// <c>{"type","revision","key","value","valueBase64","contentType"}</c>, the value as
/// <c>kv get --output json</c> gives it; members an event does not carry are null.
/// </summary>
public static class WatchJson
{
    public static string Format(WatchEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return KvGetJson.Json(json =>
        {
            json.WriteStartObject();
            json.WriteString("type", change.EventType);
            if (change.Revision is { } revision)
            {
                json.WriteNumber("revision", revision);
            }
            else
            {
                json.WriteNull("revision");
            }

            KvGetJson.WriteNullable(json, "key", change.Key);
            KvGetJson.WriteValue(json, change.Value);
            KvGetJson.WriteNullable(json, "contentType", change.ContentType);
            json.WriteEndObject();
        });
    }
}
