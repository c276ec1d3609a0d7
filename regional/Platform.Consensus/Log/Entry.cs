namespace Platform.Consensus.Log;

/// <summary>What an entry carries: a command for the state machine, or a new configuration.</summary>
public enum EntryType : byte
{
    /// <summary>Opaque bytes for the state machine; empty data is the leader's no-op of its term.</summary>
    Normal = 0,

    /// <summary>A <see cref="Membership.ConfState"/> encoded by <see cref="Membership.ConfStateCodec"/>; it takes effect when committed.</summary>
    Configuration = 1,
}

/// <summary>One entry of the replicated log.</summary>
public readonly record struct Entry(long Index, long Term, EntryType Type, ReadOnlyMemory<byte> Data)
{
    public static Entry Normal(long index, long term, ReadOnlyMemory<byte> data) => new(index, term, EntryType.Normal, data);

    /// <summary>Bytes the entry costs on the wire, used to bound message sizes.</summary>
    public int SizeBytes => Data.Length + 24;

    public override string ToString() => $"{Index}/{Term}{(Type == EntryType.Configuration ? " conf" : string.Empty)}({Data.Length}b)";
}
