using System.Buffers;
using System.Buffers.Binary;
using Platform.Consensus;
using Platform.Consensus.Log;

namespace Platform.Storage.Wal;

/// <summary>The payload bytes of <see cref="WalRecordType.GroupUpdate"/> records.</summary>
public static class GroupWriteCodec
{
    [Flags]
    private enum Parts : byte
    {
        None = 0,
        HardState = 1,
        Entries = 2,
        LogReset = 4,
        Compacted = 8,
    }

    public static void Encode(GroupWrite write, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(output);
        var parts = (write.HardState is null ? Parts.None : Parts.HardState)
            | (write.Entries.Length == 0 ? Parts.None : Parts.Entries)
            | (write.LogReset is null ? Parts.None : Parts.LogReset)
            | (write.CompactedThrough is null ? Parts.None : Parts.Compacted);
        var writer = new SpanWriter(output, EncodedLength(write));
        writer.UInt64(write.Group);
        writer.Byte((byte)parts);
        if (write.HardState is { } hardState)
        {
            writer.Int64(hardState.Term);
            writer.UInt64(hardState.Vote);
            writer.Int64(hardState.Commit);
        }

        if (write.LogReset is { } reset)
        {
            writer.Int64(reset.Index);
            writer.Int64(reset.Term);
        }

        if (write.CompactedThrough is { } compacted)
        {
            writer.Int64(compacted);
        }

        if (write.Entries.Length > 0)
        {
            writer.Int32(write.Entries.Length);
            foreach (var entry in write.Entries)
            {
                writer.Int64(entry.Index);
                writer.Int64(entry.Term);
                writer.Byte((byte)entry.Type);
                writer.Int32(entry.Data.Length);
                writer.Bytes(entry.Data.Span);
            }
        }

        writer.Commit();
    }

    public static int EncodedLength(GroupWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var length = 8 + 1;
        length += write.HardState is null ? 0 : 24;
        length += write.LogReset is null ? 0 : 16;
        length += write.CompactedThrough is null ? 0 : 8;
        if (write.Entries.Length > 0)
        {
            length += 4;
            foreach (var entry in write.Entries)
            {
                length += 8 + 8 + 1 + 4 + entry.Data.Length;
            }
        }

        return length;
    }

    /// <summary>Decodes a payload; the entries' data are copies, independent of the buffer read from disk.</summary>
    public static GroupWrite Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new SpanReader(payload);
        var write = new GroupWrite(reader.UInt64());
        var parts = (Parts)reader.Byte();
        if (parts.HasFlag(Parts.HardState))
        {
            write = write with { HardState = new HardState(reader.Int64(), reader.UInt64(), reader.Int64()) };
        }

        if (parts.HasFlag(Parts.LogReset))
        {
            write = write with { LogReset = new LogPosition(reader.Int64(), reader.Int64()) };
        }

        if (parts.HasFlag(Parts.Compacted))
        {
            write = write with { CompactedThrough = reader.Int64() };
        }

        if (parts.HasFlag(Parts.Entries))
        {
            var entries = new Entry[reader.Int32()];
            for (var i = 0; i < entries.Length; i++)
            {
                var index = reader.Int64();
                var term = reader.Int64();
                var type = (EntryType)reader.Byte();
                var data = reader.Bytes(reader.Int32()).ToArray();
                entries[i] = new Entry(index, term, type, data);
            }

            write = write with { Entries = entries };
        }

        reader.ExpectEnd();
        return write;
    }

    /// <summary>Little-endian writes into one span taken from the buffer writer.</summary>
    private ref struct SpanWriter(IBufferWriter<byte> output, int length)
    {
        private readonly IBufferWriter<byte> output = output;
        private readonly Span<byte> span = output.GetSpan(length)[..length];
        private int position;

        public void Byte(byte value) => span[position++] = value;

        public void Int32(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[position..], value);
            position += 4;
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[position..], value);
            position += 8;
        }

        public void UInt64(ulong value)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[position..], value);
            position += 8;
        }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            value.CopyTo(span[position..]);
            position += value.Length;
        }

        public readonly void Commit()
        {
            if (position != span.Length)
            {
                throw new InvalidOperationException($"encoded {position} bytes, expected {span.Length}");
            }

            output.Advance(position);
        }
    }

    /// <summary>Little-endian reads that fail with <see cref="WalFormatException"/> rather than read past the payload.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> span)
    {
        private readonly ReadOnlySpan<byte> span = span;
        private int position;

        public byte Byte() => Take(1)[0];

        public int Int32()
        {
            var value = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            return value >= 0 ? value : throw new WalFormatException($"negative length {value} in a WAL record");
        }

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public ReadOnlySpan<byte> Bytes(int count) => Take(count);

        public readonly void ExpectEnd()
        {
            if (position != span.Length)
            {
                throw new WalFormatException($"{span.Length - position} unread bytes at the end of a WAL record");
            }
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > span.Length - position)
            {
                throw new WalFormatException("a WAL record is shorter than its contents say");
            }

            var slice = span.Slice(position, count);
            position += count;
            return slice;
        }
    }
}

/// <summary>A record whose checksum is right but whose contents do not decode: a bug or deliberate damage, never a torn write.</summary>
public sealed class WalFormatException(string message) : Exception(message)
{
}
