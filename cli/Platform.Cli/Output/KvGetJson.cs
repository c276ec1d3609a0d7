using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Platform.Client.Models;

namespace Platform.Cli.Output;

/// <summary>
/// The stdout of <c>platform kv get --output json</c> (docs/api.md, Commands): exactly
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
        return Json(json => Write(json, envelope));
    }

    /// <summary>One envelope as the object above; listings and histories hold these too.</summary>
    public static void Write(Utf8JsonWriter json, KeyEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(envelope);
        json.WriteStartObject();
        json.WriteString("key", envelope.Key);
        WriteValue(json, envelope.Value);
        WriteNullable(json, "contentType", envelope.ContentType);
        json.WriteNumber("createRevision", envelope.CreateRevision);
        json.WriteNumber("modRevision", envelope.ModRevision);
        json.WriteNumber("version", envelope.Version);
        json.WriteNumber("revision", envelope.Revision);
        json.WriteEndObject();
    }

    /// <summary><c>value</c> (the UTF-8 text, or null) and <c>valueBase64</c> (null only when there are no bytes at all).</summary>
    public static void WriteValue(Utf8JsonWriter json, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(json);
        WriteNullable(json, "value", value is null ? null : ValueText.AsUtf8(value));
        WriteNullable(json, "valueBase64", value is null ? null : Convert.ToBase64String(value));
    }

    public static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>The text of what <paramref name="write"/> writes, with the command line's escaping.</summary>
    public static string Json(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
