using System.Text;

namespace Platform.Consensus.Tests.Simulation;

public enum KvCommandKind : byte
{
    Put,
    Cas,
}

/// <summary>A client write as it travels in a log entry. <see cref="OperationId"/> is unique per run.</summary>
public sealed record KvCommand(long OperationId, KvCommandKind Kind, string Key, string Value, string? Expected)
{
    private const char Separator = '\u001f';

    public byte[] Encode() =>
        Encoding.UTF8.GetBytes(string.Join(Separator, OperationId, (int)Kind, Key, Value, Expected ?? "\u0000"));

    public static KvCommand Decode(ReadOnlySpan<byte> bytes)
    {
        var parts = Encoding.UTF8.GetString(bytes).Split(Separator);
        Assert.Equal(5, parts.Length);
        return new KvCommand(long.Parse(parts[0]), (KvCommandKind)int.Parse(parts[1]), parts[2], parts[3], parts[4] == "\u0000" ? null : parts[4]);
    }
}
