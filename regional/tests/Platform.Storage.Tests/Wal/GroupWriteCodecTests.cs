using System.Buffers;
using Platform.Consensus;
using Platform.Consensus.Log;
using Platform.Storage.Wal;

namespace Platform.Storage.Tests.Wal;

public sealed class GroupWriteCodecTests
{
    [Fact]
    public void Every_part_round_trips()
    {
        var write = new GroupWrite(9)
        {
            HardState = new HardState(5, 2, 17),
            Entries = [Entry.Normal(18, 5, "a"u8.ToArray()), new Entry(19, 5, EntryType.Configuration, new byte[] { 1, 2 })],
            LogReset = new LogPosition(10, 4),
            CompactedThrough = 12,
        };
        var buffer = new ArrayBufferWriter<byte>();

        GroupWriteCodec.Encode(write, buffer);
        var decoded = GroupWriteCodec.Decode(buffer.WrittenSpan);

        Assert.Equal(GroupWriteCodec.EncodedLength(write), buffer.WrittenCount);
        Assert.Equal((write.Group, write.HardState, write.LogReset, write.CompactedThrough), (decoded.Group, decoded.HardState, decoded.LogReset, decoded.CompactedThrough));
        Assert.Equal(write.Entries.Select(e => (e.Index, e.Term, e.Type, e.Data.ToArray().Length)), decoded.Entries.Select(e => (e.Index, e.Term, e.Type, e.Data.ToArray().Length)));
        Assert.Equal("a"u8.ToArray(), decoded.Entries[0].Data.ToArray());
    }

    [Fact]
    public void A_payload_shorter_than_its_contents_say_is_a_format_error()
    {
        var buffer = new ArrayBufferWriter<byte>();
        GroupWriteCodec.Encode(new GroupWrite(1) { Entries = [Entry.Normal(1, 1, new byte[10])] }, buffer);

        Assert.Throws<WalFormatException>(() => GroupWriteCodec.Decode(buffer.WrittenSpan[..^3]));
    }
}
