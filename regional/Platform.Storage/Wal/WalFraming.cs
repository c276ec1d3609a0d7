using System.Buffers.Binary;

namespace Platform.Storage.Wal;

/// <summary>
/// How one record sits in a segment:
/// <code>
///  0  u32 magic "PWAL"     12  u64 sequence (node-wide, +1 per record)
///  4  u8  record type      20  u32 CRC32C of the payload
///  5  3 bytes reserved (0) 24  u32 CRC32C of bytes 0..24 (the header)
///  8  u32 payload length   28  payload
/// </code>
/// The header has its own checksum so a damaged length field is detected before it is trusted,
/// and the magic plus sequence let recovery scan past damage for later valid records: finding one
/// means the damage is in the middle of the log (refuse to start), finding none means a torn tail
/// (truncate).
/// </summary>
public static class WalFraming
{
    public const int HeaderBytes = 28;
    public const uint Magic = 0x4C415750; // "PWAL" little-endian
    public const int MaxPayloadBytes = 64 << 20;

    public static int FramedLength(int payloadLength) => HeaderBytes + payloadLength;

    /// <summary>Writes header and payload into <paramref name="destination"/> (exactly <see cref="FramedLength"/> bytes).</summary>
    public static void Write(Span<byte> destination, WalRecordType type, ulong sequence, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayloadBytes)
        {
            throw new ArgumentException($"a WAL record holds at most {MaxPayloadBytes} bytes, not {payload.Length}");
        }

        destination[..HeaderBytes].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        destination[4] = (byte)type;
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], payload.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[12..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], Crc32C(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], Crc32C(destination[..24]));
        payload.CopyTo(destination[HeaderBytes..]);
    }

    /// <summary>Reads the record at the start of <paramref name="source"/>; says precisely what is wrong if it cannot.</summary>
    public static WalFrameResult TryRead(ReadOnlySpan<byte> source, out WalRecordType type, out ulong sequence, out ReadOnlySpan<byte> payload)
    {
        type = default;
        sequence = 0;
        payload = default;
        if (source.Length < HeaderBytes)
        {
            return source.IndexOfAnyExcept((byte)0) < 0 ? WalFrameResult.End : WalFrameResult.Truncated;
        }

        if (source[..HeaderBytes].IndexOfAnyExcept((byte)0) < 0)
        {
            return WalFrameResult.End;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic
            || BinaryPrimitives.ReadUInt32LittleEndian(source[24..]) != Crc32C(source[..24]))
        {
            return WalFrameResult.BadHeader;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(source[8..]);
        if (length < 0 || length > MaxPayloadBytes)
        {
            return WalFrameResult.BadHeader;
        }

        if (source.Length < HeaderBytes + length)
        {
            return WalFrameResult.Truncated;
        }

        var body = source.Slice(HeaderBytes, length);
        if (BinaryPrimitives.ReadUInt32LittleEndian(source[20..]) != Crc32C(body))
        {
            return WalFrameResult.BadPayload;
        }

        type = (WalRecordType)source[4];
        sequence = BinaryPrimitives.ReadUInt64LittleEndian(source[12..]);
        payload = body;
        return WalFrameResult.Ok;
    }

    public static uint Crc32C(ReadOnlySpan<byte> bytes) => Crc32CHash.Compute(bytes);
}

public enum WalFrameResult
{
    Ok,

    /// <summary>Only zeros (or nothing) from here: the end of the written log.</summary>
    End,

    /// <summary>The record runs past the end of the file: a write cut short.</summary>
    Truncated,
    BadHeader,
    BadPayload,
}

public enum WalRecordType : byte
{
    /// <summary>
    /// One group's durable part of a Ready: hard state, entries, log reset or compaction point. Each
    /// new segment starts with one per known group (hard state and compaction point), so no older
    /// segment ever holds the only copy of a hard state.
    /// </summary>
    GroupUpdate = 1,
}
