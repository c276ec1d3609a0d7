using System.Buffers.Binary;
using System.Text;

namespace Platform.Global.Replication;

/// <summary>What a home sends down a replication feed stream.</summary>
public enum FeedFrameKind : byte
{
    /// <summary>Revisions after the last one sent: an encoded <c>NamespaceCommand</c> carrying a <c>ReplicateCommand</c>.</summary>
    Changes = 1,

    /// <summary>Nothing new: the home's revision, its compaction point and its digest there (8 bytes), at least every <see cref="FeedRoutes.HeartbeatEvery"/>.</summary>
    Heartbeat = 2,

    /// <summary>The namespace's whole state (the copy asked for changes the home compacted away).</summary>
    Snapshot = 3,

    /// <summary>The copy holds revisions past its epoch's fork point: drop everything after <see cref="FeedFrame.Revision"/>.</summary>
    Fork = 4,
}

/// <summary>
/// One frame of the feed: its kind, the home's revision when it was sent (<see cref="Head"/>), a
/// revision (the fork point, or the compaction point of a heartbeat) and a payload. On the wire:
/// kind (1 byte), head, revision (8 bytes each), payload length (4 bytes), payload.
/// </summary>
public sealed record FeedFrame(FeedFrameKind Kind, long Head, long Revision, byte[] Payload)
{
    private const int HeaderLength = 1 + 8 + 8 + 4;

    /// <summary>A frame larger than this is refused (a snapshot of a namespace at the API's limits fits).</summary>
    public const int MaxPayload = 256 << 20;

    public async Task WriteAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = new byte[HeaderLength];
        header[0] = (byte)Kind;
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(1), Head);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(9), Revision);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(17), Payload.Length);
        await stream.WriteAsync(header, cancellationToken);
        await stream.WriteAsync(Payload, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>The next frame, or null at the end of the stream.</summary>
    public static async Task<FeedFrame?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = new byte[HeaderLength];
        if (!await FillAsync(stream, header, cancellationToken))
        {
            return null;
        }

        var kind = (FeedFrameKind)header[0];
        var length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(17));
        if (!Enum.IsDefined(kind) || length is < 0 or > MaxPayload)
        {
            throw new InvalidDataException($"a feed frame of kind {header[0]} and length {length}");
        }

        var payload = new byte[length];
        if (!await FillAsync(stream, payload, cancellationToken))
        {
            throw new InvalidDataException("a feed frame cut short");
        }

        return new FeedFrame(kind, BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(1)), BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(9)), payload);
    }

    private static async Task<bool> FillAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                return filled == 0 && buffer.Length > 0 ? false : throw new InvalidDataException("a feed frame cut short");
            }

            filled += read;
        }

        return true;
    }
}

/// <summary>What a copy asks its home for: the namespace's changes after (epoch, revision), the copy's last; a negative revision asks for a snapshot first.</summary>
public sealed record FeedRequest(string Namespace, long LastEpoch, long LastRevision)
{
    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Namespace);
            writer.Write(LastEpoch);
            writer.Write(LastRevision);
        }

        return stream.ToArray();
    }

    public static FeedRequest Decode(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        return new FeedRequest(reader.ReadString(), reader.ReadInt64(), reader.ReadInt64());
    }
}
