using System.Text;
using Platform.Client.Sse;

namespace Platform.Client.Tests.Sse;

public sealed class SseReaderTests
{
    private static async Task<List<SseMessage>> ReadAsync(string stream)
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(stream));
        var messages = new List<SseMessage>();
        await foreach (var message in SseReader.ReadAsync(body, TestContext.Current.CancellationToken))
        {
            messages.Add(message);
        }

        return messages;
    }

    [Fact]
    public async Task Reads_id_event_and_data_of_each_event()
    {
        var messages = await ReadAsync("id: 5\nevent: put\ndata: {\"key\":\"a\"}\n\nid: 6\nevent: delete\ndata: {\"key\":\"b\"}\n\n");

        Assert.Equal([new SseMessage("put", "5", "{\"key\":\"a\"}"), new SseMessage("delete", "6", "{\"key\":\"b\"}")], messages);
    }

    [Fact]
    public async Task Joins_data_lines_with_line_feeds()
    {
        var messages = await ReadAsync("data: first\ndata: second\ndata:\ndata: fourth\n\n");

        Assert.Equal("first\nsecond\n\nfourth", Assert.Single(messages).Data);
    }

    [Fact]
    public async Task Skips_comments_and_unknown_fields()
    {
        var messages = await ReadAsync(": keep-alive\nretry: 3000\nfoo: bar\nevent: progress\n: another comment\ndata: {}\n\n:\n\n");

        var message = Assert.Single(messages);
        Assert.Equal("progress", message.EventType);
        Assert.Equal("{}", message.Data);
    }

    [Fact]
    public async Task Accepts_CRLF_and_CR_line_endings()
    {
        var messages = await ReadAsync("id: 1\r\nevent: put\r\ndata: a\r\n\r\nid: 2\revent: put\rdata: b\r\r");

        Assert.Equal(["a", "b"], messages.Select(m => m.Data));
        Assert.Equal(["1", "2"], messages.Select(m => m.LastEventId));
    }

    [Fact]
    public async Task Removes_only_one_leading_space_and_keeps_colons_in_values()
    {
        var messages = await ReadAsync("data:no-space\n\ndata:  two spaces\n\ndata: a: b: c\n\n");

        Assert.Equal(["no-space", " two spaces", "a: b: c"], messages.Select(m => m.Data));
    }

    [Fact]
    public async Task Ids_persist_until_changed_and_an_id_with_NUL_is_ignored()
    {
        var messages = await ReadAsync("id: 7\ndata: a\n\ndata: b\n\nid: 8\0x\ndata: c\n\nid\ndata: d\n\n");

        Assert.Equal(["7", "7", "7", ""], messages.Select(m => m.LastEventId));
    }

    [Fact]
    public async Task The_event_type_resets_to_message_after_each_dispatch()
    {
        var messages = await ReadAsync("event: put\ndata: a\n\ndata: b\n\n");

        Assert.Equal(["put", "message"], messages.Select(m => m.EventType));
    }

    [Fact]
    public async Task An_event_without_data_is_not_dispatched_but_its_id_is_kept()
    {
        var messages = await ReadAsync("id: 3\nevent: put\n\ndata: x\n\n");

        var message = Assert.Single(messages);
        Assert.Equal(("message", "3"), (message.EventType, message.LastEventId));
    }

    [Fact]
    public async Task An_unterminated_last_event_is_discarded()
    {
        var messages = await ReadAsync("data: complete\n\ndata: cut off");

        Assert.Equal(["complete"], messages.Select(m => m.Data));
    }

    [Fact]
    public async Task A_leading_byte_order_mark_is_dropped()
    {
        var messages = await ReadAsync("\uFEFFdata: x\n\n");

        Assert.Equal("x", Assert.Single(messages).Data);
    }

    [Fact]
    public async Task Reads_a_stream_that_arrives_in_small_chunks()
    {
        var text = "id: 10\nevent: put\ndata: {\"key\":\"k\",\"value\":\"dg==\"}\n\n";
        using var body = new TrickleStream(Encoding.UTF8.GetBytes(text));
        var messages = new List<SseMessage>();
        await foreach (var message in SseReader.ReadAsync(body, TestContext.Current.CancellationToken))
        {
            messages.Add(message);
        }

        Assert.Equal(new SseMessage("put", "10", "{\"key\":\"k\",\"value\":\"dg==\"}"), Assert.Single(messages));
    }

    /// <summary>Hands out at most three bytes per read, as a network stream may.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 3));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 3)], cancellationToken);
    }
}
