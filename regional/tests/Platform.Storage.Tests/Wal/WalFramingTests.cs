using Platform.Storage.Wal;

namespace Platform.Storage.Tests.Wal;

public sealed class WalFramingTests
{
    private static byte[] Frame(byte[] payload, ulong sequence = 7)
    {
        var bytes = new byte[WalFraming.FramedLength(payload.Length)];
        WalFraming.Write(bytes, WalRecordType.GroupUpdate, sequence, payload);
        return bytes;
    }

    [Fact]
    public void A_record_reads_back_with_its_type_sequence_and_payload()
    {
        var bytes = Frame("hello"u8.ToArray(), sequence: 42);

        var result = WalFraming.TryRead(bytes, out var type, out var sequence, out var payload);

        Assert.Equal(WalFrameResult.Ok, result);
        Assert.Equal((WalRecordType.GroupUpdate, 42UL), (type, sequence));
        Assert.Equal("hello"u8.ToArray(), payload.ToArray());
    }

    [Fact]
    public void Crc32c_matches_the_standard_check_value()
    {
        // The check value of CRC-32C (Castagnoli) for the ASCII digits 1..9.
        Assert.Equal(0xE3069283u, Crc32CHash.Compute("123456789"u8));
    }

    [Fact]
    public void Zeros_mean_the_end_of_the_log()
    {
        Assert.Equal(WalFrameResult.End, WalFraming.TryRead(new byte[100], out _, out _, out _));
        Assert.Equal(WalFrameResult.End, WalFraming.TryRead([], out _, out _, out _));
    }

    [Fact]
    public void A_record_cut_short_is_reported_as_truncated()
    {
        var bytes = Frame(new byte[100]);

        Assert.Equal(WalFrameResult.Truncated, WalFraming.TryRead(bytes.AsSpan(0, bytes.Length - 1), out _, out _, out _));
        Assert.Equal(WalFrameResult.Truncated, WalFraming.TryRead(bytes.AsSpan(0, 10), out _, out _, out _));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(14)]
    [InlineData(25)]
    public void A_damaged_header_byte_is_caught_before_the_length_is_trusted(int offset)
    {
        var bytes = Frame(new byte[100]);
        bytes[offset] ^= 0x40;

        Assert.Equal(WalFrameResult.BadHeader, WalFraming.TryRead(bytes, out _, out _, out _));
    }

    [Fact]
    public void A_damaged_payload_byte_fails_the_payload_checksum()
    {
        var bytes = Frame(new byte[100]);
        bytes[WalFraming.HeaderBytes + 50] ^= 1;

        Assert.Equal(WalFrameResult.BadPayload, WalFraming.TryRead(bytes, out _, out _, out _));
    }
}
