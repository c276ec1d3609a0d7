using Platform.Storage.Mvcc;

namespace Platform.Regional.Catalog;

/// <summary>
/// A change a former home (or a copy that had it from there) committed past the fork point of an
/// unplanned failover: it never reached the new home, so a region that finds it in its history
/// moves it here instead of dropping it (docs/architecture.md, The divergent-writes archive).
/// <see cref="Acknowledged"/> is false when the home that committed it is known to have answered
/// <c>OutcomeUnknown</c> (its lease ran out before it could acknowledge); otherwise its client may
/// have been told it succeeded.
/// </summary>
public sealed record DivergentWrite(string Key, ReadOnlyMemory<byte> Value, string ContentType, bool Deleted, long Revision, long CommittedAtMs, bool Acknowledged)
{
    public long Epoch => Revisions.Epoch(Revision);

    /// <summary>One write is one key at one revision, whichever region archived it.</summary>
    public (long Revision, string Key) Identity => (Revision, Key);

    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Key);
        writer.Write(Value.Length);
        writer.Write(Value.Span);
        writer.Write(ContentType);
        writer.Write(Deleted);
        writer.Write(Revision);
        writer.Write(CommittedAtMs);
        writer.Write(Acknowledged);
    }

    public static DivergentWrite Read(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var key = reader.ReadString();
        var length = reader.ReadInt32();
        var value = reader.ReadBytes(length);
        if (value.Length != length)
        {
            throw new InvalidDataException("a divergent write is shorter than its contents say");
        }

        return new DivergentWrite(key, value, reader.ReadString(), reader.ReadBoolean(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadBoolean());
    }

    public static void WriteAll(BinaryWriter writer, IReadOnlyCollection<DivergentWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(writes);
        writer.Write(writes.Count);
        foreach (var write in writes)
        {
            write.Write(writer);
        }
    }

    public static List<DivergentWrite> ReadAll(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var count = reader.ReadInt32();
        if (count < 0 || count > reader.BaseStream.Length)
        {
            throw new InvalidDataException($"{count} divergent writes cannot fit in the data");
        }

        var writes = new List<DivergentWrite>(count);
        for (var i = 0; i < count; i++)
        {
            writes.Add(Read(reader));
        }

        return writes;
    }
}
