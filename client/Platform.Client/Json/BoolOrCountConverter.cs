using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Client.Json;

/// <summary>
/// Reads a yes/no member that a server may write as a boolean or as a count (etcd-style
/// <c>deleted: 1</c>); any count above zero is true.
/// </summary>
internal sealed class BoolOrCountConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            JsonTokenType.Number => reader.GetInt64() > 0,
            _ => throw new JsonException($"expected a boolean or a count, found {reader.TokenType}"),
        };

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteBooleanValue(value);
    }
}
