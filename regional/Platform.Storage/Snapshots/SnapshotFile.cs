using System.Buffers.Binary;
using Platform.Consensus;
using Platform.Consensus.Membership;
using Platform.Storage.Wal;

namespace Platform.Storage.Snapshots;

/// <summary>
/// The bytes of a snapshot file:
/// <code>u32 magic "PSNP", u8 version, u64 group, i64 index, i64 term, i32 conf length, conf,
/// i64 data length, data, u32 CRC32C of everything before it</code>
/// The same bytes are what a leader streams to a follower in chunks, so the follower can verify
/// the whole transfer before it installs it.
/// </summary>
public static class SnapshotFile
{
    private const uint Magic = 0x504E5350; // "PSNP" little-endian
    private const byte Version = 1;

    public static byte[] Encode(ulong group, Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var conf = ConfStateCodec.Encode(snapshot.Metadata.ConfState);
        var bytes = new byte[4 + 1 + 8 + 8 + 8 + 4 + conf.Length + 8 + snapshot.Data.Length + 4];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        span[4] = Version;
        BinaryPrimitives.WriteUInt64LittleEndian(span[5..], group);
        BinaryPrimitives.WriteInt64LittleEndian(span[13..], snapshot.Metadata.Index);
        BinaryPrimitives.WriteInt64LittleEndian(span[21..], snapshot.Metadata.Term);
        BinaryPrimitives.WriteInt32LittleEndian(span[29..], conf.Length);
        conf.CopyTo(span[33..]);
        var dataAt = 33 + conf.Length;
        BinaryPrimitives.WriteInt64LittleEndian(span[dataAt..], snapshot.Data.Length);
        snapshot.Data.Span.CopyTo(span[(dataAt + 8)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[^4..], Crc32CHash.Compute(span[..^4]));
        return bytes;
    }

    public static (ulong Group, Snapshot Snapshot) Decode(ReadOnlyMemory<byte> bytes, string source)
    {
        var span = bytes.Span;
        if (span.Length < 41 || BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic || span[4] != Version)
        {
            throw new SnapshotCorruptedException($"{source}: not a snapshot file (bad magic, version or size)");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]) != Crc32CHash.Compute(span[..^4]))
        {
            throw new SnapshotCorruptedException($"{source}: checksum mismatch");
        }

        var group = BinaryPrimitives.ReadUInt64LittleEndian(span[5..]);
        var index = BinaryPrimitives.ReadInt64LittleEndian(span[13..]);
        var term = BinaryPrimitives.ReadInt64LittleEndian(span[21..]);
        var confLength = BinaryPrimitives.ReadInt32LittleEndian(span[29..]);
        var dataAt = 33 + confLength;
        if (confLength < 0 || dataAt + 8 + 4 > span.Length)
        {
            throw new SnapshotCorruptedException($"{source}: bad configuration length");
        }

        var conf = ConfStateCodec.Decode(span.Slice(33, confLength));
        var dataLength = BinaryPrimitives.ReadInt64LittleEndian(span[dataAt..]);
        if (dataLength != span.Length - dataAt - 8 - 4)
        {
            throw new SnapshotCorruptedException($"{source}: bad data length");
        }

        var data = bytes.Slice(dataAt + 8, (int)dataLength);
        return (group, new Snapshot(new SnapshotMetadata(index, term, conf), data));
    }
}

/// <summary>A snapshot that fails its checks; the node must not load it.</summary>
public sealed class SnapshotCorruptedException(string message) : Exception(message)
{
}
