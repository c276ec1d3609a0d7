using System.Buffers.Binary;
using Platform.Consensus;
using Platform.Consensus.Log;
using Platform.Consensus.Membership;
using Platform.Consensus.Messages;

namespace Platform.Regional.Transport;

/// <summary>
/// The bytes of a batch of Raft messages between replica grains: one byte array per destination
/// and Ready, so Orleans moves an opaque buffer rather than serializing consensus types field by
/// field, and the consensus core stays free of Orleans attributes.
/// </summary>
public static class RaftMessageCodec
{
    private const byte FormatVersion = 1;

    public static byte[] Encode(IReadOnlyList<Message> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var writer = new Writer(64 + messages.Sum(EstimateSize));
        writer.Byte(FormatVersion);
        writer.Int32(messages.Count);
        foreach (var message in messages)
        {
            writer.Byte((byte)message.Type);
            writer.UInt64(message.From);
            writer.UInt64(message.To);
            writer.Int64(message.Term);
            writer.Int64(message.LogTerm);
            writer.Int64(message.Index);
            writer.Int64(message.Commit);
            writer.Byte(message.Reject ? (byte)1 : (byte)0);
            writer.Int64(message.RejectHint);
            writer.Int64(message.Context);
            writer.Int32(message.Entries.Length);
            foreach (var entry in message.Entries)
            {
                writer.Int64(entry.Index);
                writer.Int64(entry.Term);
                writer.Byte((byte)entry.Type);
                writer.Bytes(entry.Data.Span);
            }

            writer.Byte(message.Snapshot is null ? (byte)0 : (byte)1);
            if (message.Snapshot is { } snapshot)
            {
                writer.Int64(snapshot.Metadata.Index);
                writer.Int64(snapshot.Metadata.Term);
                writer.Bytes(ConfStateCodec.Encode(snapshot.Metadata.ConfState));
                writer.Bytes(snapshot.Data.Span);
            }
        }

        return writer.ToArray();
    }

    public static IReadOnlyList<Message> Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new Reader(bytes);
        if (reader.Byte() != FormatVersion)
        {
            throw new InvalidDataException("unknown Raft message batch format");
        }

        var messages = new Message[reader.Count()];
        for (var i = 0; i < messages.Length; i++)
        {
            var type = (MessageType)reader.Byte();
            var from = reader.UInt64();
            var to = reader.UInt64();
            var term = reader.Int64();
            var logTerm = reader.Int64();
            var index = reader.Int64();
            var commit = reader.Int64();
            var reject = reader.Byte() == 1;
            var rejectHint = reader.Int64();
            var context = reader.Int64();
            var entries = new Entry[reader.Count()];
            for (var e = 0; e < entries.Length; e++)
            {
                entries[e] = new Entry(reader.Int64(), reader.Int64(), (EntryType)reader.Byte(), reader.Bytes());
            }

            Snapshot? snapshot = null;
            if (reader.Byte() == 1)
            {
                var snapshotIndex = reader.Int64();
                var snapshotTerm = reader.Int64();
                var conf = ConfStateCodec.Decode(reader.Bytes().Span);
                snapshot = new Snapshot(new SnapshotMetadata(snapshotIndex, snapshotTerm, conf), reader.Bytes());
            }

            messages[i] = new Message
            {
                Type = type,
                From = from,
                To = to,
                Term = term,
                LogTerm = logTerm,
                Index = index,
                Commit = commit,
                Reject = reject,
                RejectHint = rejectHint,
                Context = context,
                Entries = entries,
                Snapshot = snapshot,
            };
        }

        reader.ExpectEnd();
        return messages;
    }

    private static int EstimateSize(Message message) =>
        80 + message.Entries.Sum(e => 24 + e.Data.Length) + (message.Snapshot is { } s ? 64 + s.Data.Length : 0);

    private sealed class Writer(int capacity)
    {
        private byte[] buffer = new byte[capacity];
        private int position;

        public void Byte(byte value)
        {
            Ensure(1);
            buffer[position++] = value;
        }

        public void Int32(int value)
        {
            Ensure(4);
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(position), value);
            position += 4;
        }

        public void Int64(long value)
        {
            Ensure(8);
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(position), value);
            position += 8;
        }

        public void UInt64(ulong value)
        {
            Ensure(8);
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(position), value);
            position += 8;
        }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            Int32(value.Length);
            Ensure(value.Length);
            value.CopyTo(buffer.AsSpan(position));
            position += value.Length;
        }

        public byte[] ToArray() => buffer.AsSpan(0, position).ToArray();

        private void Ensure(int more)
        {
            if (position + more > buffer.Length)
            {
                Array.Resize(ref buffer, Math.Max(buffer.Length * 2, position + more));
            }
        }
    }

    /// <summary>Reads that fail with <see cref="InvalidDataException"/> instead of running past the buffer.</summary>
    private sealed class Reader(ReadOnlyMemory<byte> bytes)
    {
        private int position;

        public byte Byte() => Take(1).Span[0];

        public int Count()
        {
            var count = BinaryPrimitives.ReadInt32LittleEndian(Take(4).Span);
            return count >= 0 && count <= bytes.Length ? count : throw new InvalidDataException($"bad count {count} in a Raft message batch");
        }

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8).Span);

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8).Span);

        /// <summary>A length-prefixed slice of the batch (no copy).</summary>
        public ReadOnlyMemory<byte> Bytes() => Take(Count());

        public void ExpectEnd()
        {
            if (position != bytes.Length)
            {
                throw new InvalidDataException("trailing bytes after a Raft message batch");
            }
        }

        private ReadOnlyMemory<byte> Take(int count)
        {
            if (count > bytes.Length - position)
            {
                throw new InvalidDataException("a Raft message batch is shorter than its contents say");
            }

            var slice = bytes.Slice(position, count);
            position += count;
            return slice;
        }
    }
}
