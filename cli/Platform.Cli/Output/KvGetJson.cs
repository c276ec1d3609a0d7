using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Platform.Client.Models;

namespace Platform.Cli.Output;

/// <summary>
/// The stdout of <c>platform kv get --output json</c> (shared/API.md, Commands): exactly
/// <c>{"key","value","valueBase64","contentType","createRevision","modRevision","version","revision"}</c>,
/// where <c>value</c> is the UTF-8 text or null when the bytes are not text. Every member is always
/// written, null included, so scripts can rely on the shape.
/// </summary>
public static class KvGetJson
{
    // Relaxed escaping keeps non-ASCII text readable; the output is JSON for a terminal or a pipe, not HTML.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Format(KeyEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("key", envelope.Key);
            WriteNullable(json, "value", ValueText.AsUtf8(envelope.Value));
            json.WriteString("valueBase64", Convert.ToBase64String(envelope.Value));
            WriteNullable(json, "contentType", envelope.ContentType);
            json.WriteNumber("createRevision", envelope.CreateRevision);
            json.WriteNumber("modRevision", envelope.ModRevision);
            json.WriteNumber("version", envelope.Version);
            json.WriteNumber("revision", envelope.Revision);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
