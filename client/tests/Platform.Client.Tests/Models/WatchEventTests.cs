using System.Text;
using Platform.Client.Models;
using Platform.Client.Sse;

namespace Platform.Client.Tests.Models;

public sealed class WatchEventTests
{
    [Fact]
    public void A_put_event_carries_key_value_and_revision_from_the_id()
    {
        var change = WatchEvent.From(new SseMessage("put", "1099511627781", "{\"key\":\"app/color\",\"value\":\"Ymx1ZQ==\",\"contentType\":\"text/plain\",\"modRevision\":3}"));

        Assert.Equal(WatchEventKind.Put, change.Kind);
        Assert.Equal(1099511627781, change.Revision);
        Assert.Equal("app/color", change.Key);
        Assert.Equal("blue", Encoding.UTF8.GetString(change.Value!));
        Assert.Equal("text/plain", change.ContentType);
    }

    [Theory]
    [InlineData("delete", WatchEventKind.Delete)]
    [InlineData("progress", WatchEventKind.Progress)]
    [InlineData("compacted", WatchEventKind.Compacted)]
    [InlineData("something-new", WatchEventKind.Unknown)]
    public void The_event_type_names_the_kind(string eventType, WatchEventKind kind)
    {
        var change = WatchEvent.From(new SseMessage(eventType, "9", "{}"));

        Assert.Equal(kind, change.Kind);
        Assert.Equal(eventType, change.EventType);
    }

    [Fact]
    public void Without_an_id_the_revision_comes_from_the_data()
    {
        var change = WatchEvent.From(new SseMessage("progress", null, "{\"revision\":42}"));

        Assert.Equal(42, change.Revision);
    }

    [Fact]
    public void Data_that_is_not_json_is_kept_as_text()
    {
        var change = WatchEvent.From(new SseMessage("put", "x", "not json"));

        Assert.Null(change.Revision);
        Assert.Null(change.Key);
        Assert.Equal("not json", change.Data);
    }
}
