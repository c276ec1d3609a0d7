using System.Text;
using System.Text.Json;
using Platform.Cli.Output;
using Platform.Client.Models;

namespace Platform.Cli.Tests.Output;

public sealed class KvGetJsonTests
{
    private static readonly string[] Members = ["key", "value", "valueBase64", "contentType", "createRevision", "modRevision", "version", "revision"];

    [Fact]
    public void Holds_exactly_the_members_of_the_contract()
    {
        var json = KvGetJson.Format(new KeyEnvelope("app/color", Encoding.UTF8.GetBytes("blue"), "text/plain", 3, 5, 2, 1099511627783));

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(Members, root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("app/color", root.GetProperty("key").GetString());
        Assert.Equal("blue", root.GetProperty("value").GetString());
        Assert.Equal("Ymx1ZQ==", root.GetProperty("valueBase64").GetString());
        Assert.Equal("text/plain", root.GetProperty("contentType").GetString());
        Assert.Equal(3, root.GetProperty("createRevision").GetInt64());
        Assert.Equal(5, root.GetProperty("modRevision").GetInt64());
        Assert.Equal(2, root.GetProperty("version").GetInt64());
        Assert.Equal(1099511627783, root.GetProperty("revision").GetInt64());
    }

    [Fact]
    public void A_value_that_is_not_utf8_is_null_and_still_in_base64()
    {
        byte[] binary = [0xFF, 0xFE, 0x00, 0x80];

        using var document = JsonDocument.Parse(KvGetJson.Format(new KeyEnvelope("blob", binary, "application/octet-stream", 1, 1, 1, 1)));

        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("value").ValueKind);
        Assert.Equal(binary, document.RootElement.GetProperty("valueBase64").GetBytesFromBase64());
    }

    [Fact]
    public void A_missing_content_type_is_written_as_null()
    {
        using var document = JsonDocument.Parse(KvGetJson.Format(new KeyEnvelope("k", [], null, 1, 1, 1, 1)));

        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("contentType").ValueKind);
        Assert.Equal(string.Empty, document.RootElement.GetProperty("value").GetString());
    }

    [Fact]
    public void Text_with_quotes_newlines_and_non_ascii_round_trips()
    {
        const string text = "line \"one\"\nzweite Zeile: ü, 東京, 🚀\t<tag>";

        var json = KvGetJson.Format(new KeyEnvelope("k", Encoding.UTF8.GetBytes(text), "text/plain", 1, 1, 1, 1));

        using var document = JsonDocument.Parse(json);
        Assert.Equal(text, document.RootElement.GetProperty("value").GetString());
        Assert.DoesNotContain('\n', json);
        Assert.Contains("東京", json, StringComparison.Ordinal);
    }
}
