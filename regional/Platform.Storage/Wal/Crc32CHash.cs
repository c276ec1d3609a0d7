using System.Buffers.Binary;
using System.Numerics;

namespace Platform.Storage.Wal;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of every WAL record. System.IO.Hashing offers only the IEEE
/// polynomial; <see cref="BitOperations.Crc32C(uint, ulong)"/> is the BCL's Castagnoli CRC and uses
/// the SSE4.2 / ARMv8 instruction when present, eight bytes per step.
/// </summary>
public static class Crc32CHash
{
    public static uint Compute(ReadOnlySpan<byte> bytes) => ~Append(uint.MaxValue, bytes);

    private static uint Append(uint crc, ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[8..];
        }

        foreach (var value in bytes)
        {
            crc = BitOperations.Crc32C(crc, value);
        }

        return crc;
    }
}
