using System.Buffers.Binary;
using Platform.Regional.Transport;

namespace Platform.Global.Groups;

/// <summary>A snapshot chunk's bytes on the inter-region transport (Orleans' serializer does not cross regions).</summary>
public static class SnapshotChunkCodec
{
    public static byte[] Encode(SnapshotChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var header = chunk.Header ?? [];
        var bytes = new byte[(3 * sizeof(long)) + sizeof(int) + header.Length + 1 + chunk.Bytes.Length];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(span, chunk.Index);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], chunk.Offset);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], chunk.TotalBytes);
        span[24] = chunk.Header is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteInt32LittleEndian(span[25..], header.Length);
        header.CopyTo(span[29..]);
        chunk.Bytes.CopyTo(span[(29 + header.Length)..]);
        return bytes;
    }

    public static SnapshotChunk Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 29)
        {
            throw new InvalidDataException("a snapshot chunk is shorter than its header");
        }

        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes[25..]);
        if (headerLength < 0 || 29 + headerLength > bytes.Length)
        {
            throw new InvalidDataException("a snapshot chunk's header length is out of range");
        }

        return new SnapshotChunk(
            BinaryPrimitives.ReadInt64LittleEndian(bytes),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]),
            bytes[(29 + headerLength)..].ToArray(),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]),
            bytes[24] == 1 ? bytes.Slice(29, headerLength).ToArray() : null);
    }
}
