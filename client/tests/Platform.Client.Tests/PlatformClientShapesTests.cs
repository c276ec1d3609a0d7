using System.Text.Json;

namespace Platform.Client.Tests;

/// <summary>The answers whose shape the contract leaves open are read in each plausible form.</summary>
public sealed class PlatformClientShapesTests
{
    private const string Envelope = """{"key":"k","value":"dg==","contentType":"text/plain","createRevision":1,"modRevision":2,"version":2,"revision":5}""";

    [Theory]
    [InlineData("[" + Envelope + "]", null)]
    [InlineData("""{"revision":5,"items":[""" + Envelope + "]}", 5L)]
    [InlineData("""{"versions":[""" + Envelope + "]}", null)]
    public void History_is_an_array_or_an_object_with_items(string json, long? revision)
    {
        using var document = JsonDocument.Parse(json);

        var history = PlatformClient.ReadHistory(document.RootElement);

        Assert.Equal(revision, history.Revision);
        Assert.Equal(2, Assert.Single(history.Items).ModRevision);
    }

    [Fact]
    public void History_without_items_is_an_error()
    {
        using var document = JsonDocument.Parse("""{"revision":5}""");

        Assert.Throws<JsonException>(() => PlatformClient.ReadHistory(document.RootElement));
    }

    [Theory]
    [InlineData("""[{"name":"payments","mode":"local-commit","homeRegion":"eu-west","epoch":1,"group":2}]""")]
    [InlineData("""{"namespaces":[{"name":"payments","mode":"local-commit","homeRegion":"eu-west","epoch":1,"group":2}]}""")]
    [InlineData("""{"items":[{"name":"payments","mode":"local-commit","homeRegion":"eu-west","epoch":1,"group":2}]}""")]
    public void The_namespace_catalog_is_an_array_or_an_object(string json)
    {
        using var document = JsonDocument.Parse(json);

        var info = Assert.Single(PlatformClient.ReadNamespaceList(document.RootElement));

        Assert.Equal(("payments", "local-commit", "eu-west", 1L, 2L), (info.Name, info.Mode, info.HomeRegion, info.Epoch!.Value, info.Group!.Value));
    }
}
