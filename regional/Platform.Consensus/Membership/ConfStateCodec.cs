using System.Buffers.Binary;

namespace Platform.Consensus.Membership;

/// <summary>
/// The bytes of a configuration entry. A configuration entry carries the whole resulting
/// configuration, not a delta, so a replica that replays the log from any point (a new node
/// catching up from index 1) learns the exact configuration at each change.
/// </summary>
public static class ConfStateCodec
{
    private const byte FormatVersion = 1;

    public static byte[] Encode(ConfState conf)
    {
        ArgumentNullException.ThrowIfNull(conf);
        var bytes = new byte[1 + 4 + 4 + (8 * (conf.Voters.Length + conf.Learners.Length))];
        bytes[0] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), conf.Voters.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(5), conf.Learners.Length);
        var offset = 9;
        foreach (var id in conf.Voters.Concat(conf.Learners))
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), id);
            offset += 8;
        }

        return bytes;
    }

    public static ConfState Decode(ReadOnlySpan<byte> bytes)
    {
        Invariant.Require(bytes.Length >= 9 && bytes[0] == FormatVersion, "configuration entry has an unknown format");
        var voterCount = BinaryPrimitives.ReadInt32LittleEndian(bytes[1..]);
        var learnerCount = BinaryPrimitives.ReadInt32LittleEndian(bytes[5..]);
        Invariant.Require(voterCount >= 0 && learnerCount >= 0 && bytes.Length == 9 + (8 * (voterCount + learnerCount)), "configuration entry has a bad length");
        var ids = new ulong[voterCount + learnerCount];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(9 + (8 * i))..]);
        }

        return new ConfState(ids[..voterCount], ids[voterCount..]);
    }
}
