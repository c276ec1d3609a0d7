using System.Text;
using Platform.EdgeProxy.Watching;

namespace Platform.EdgeProxy.Tests.Watching;

public sealed class ChangeFramesTests
{
    [Fact]
    public void A_put_becomes_an_entry_and_the_same_frame_for_every_watcher()
    {
        const string data = """{"type":"put","key":"color","value":"Ymx1ZQ==","contentType":"text/plain","createRevision":1,"modRevision":7,"version":3,"revision":7}""";

        var change = ChangeFrames.From("put", 7, data);

        Assert.NotNull(change);
        var (key, value, frame) = change.Value;
        Assert.Equal("color", key);
        Assert.Equal("blue", Encoding.UTF8.GetString(value.Value));
        Assert.Equal((1L, 7L, 3L, 7L), (value.CreateRevision, value.ModRevision, value.Version, value.ObservedAt));
        Assert.Equal($"id: 7\nevent: put\ndata: {data}\n\n", Encoding.UTF8.GetString(frame.Frame));
        Assert.Equal(data, frame.Json);
    }

    [Fact]
    public void A_delete_becomes_a_negative_entry()
    {
        var change = ChangeFrames.From("delete", 9, """{"type":"delete","key":"color","value":null,"modRevision":9,"revision":9}""");

        Assert.NotNull(change);
        Assert.False(change.Value.Value.Exists);
        Assert.Equal(9, change.Value.Value.ObservedAt);
    }

    [Theory]
    [InlineData("put", "not json")]
    [InlineData("put", """{"type":"put"}""")]
    [InlineData("progress", """{"revision":3}""")]
    public void What_is_not_a_change_is_skipped_whole(string type, string data) =>
        Assert.Null(ChangeFrames.From(type, 3, data));
}
