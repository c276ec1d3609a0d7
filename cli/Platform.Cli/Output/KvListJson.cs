using Platform.Client.Models;

namespace Platform.Cli.Output;

/// <summary>
/// The stdout of <c>kv ls --output json</c> and <c>kv history --output json</c>:
/// <c>{"revision": R, "items": [...]}</c>, each item shaped as <c>kv get --output json</c> prints a
/// key (<see cref="KvGetJson"/>), so one script reads both. A listing's items are every page's,
/// all at the listing's one revision; a history without a revision says null.
/// </summary>
public static class KvListJson
{
    public static string Format(long? revision, IEnumerable<KeyEnvelope> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return KvGetJson.Json(json =>
        {
            json.WriteStartObject();
            if (revision is { } known)
            {
                json.WriteNumber("revision", known);
            }
            else
            {
                json.WriteNull("revision");
            }

            json.WriteStartArray("items");
            foreach (var item in items)
            {
                KvGetJson.Write(json, item);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
