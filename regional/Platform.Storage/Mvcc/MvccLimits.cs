using System.Text;

namespace Platform.Storage.Mvcc;

/// <summary>The limits of docs/api.md (defaults, configurable), enforced at the state machine's edge too.</summary>
public sealed record MvccLimits
{
    public int MaxKeyBytes { get; init; } = 1024;

    public int MaxValueBytes { get; init; } = 1 << 20;

    public int MaxTransactionOperations { get; init; } = 128;

    public static readonly MvccLimits Default = new();

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Keys are 1..MaxKeyBytes bytes of UTF-8 with no control characters.</summary>
    public void ValidateKey(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new MvccException(MvccErrorCode.InvalidKey, "a key must not be empty");
        }

        int byteCount;
        try
        {
            byteCount = StrictUtf8.GetByteCount(key);
        }
        catch (EncoderFallbackException)
        {
            throw new MvccException(MvccErrorCode.InvalidKey, "a key must be valid UTF-8 (it holds an unpaired surrogate)");
        }

        if (byteCount > MaxKeyBytes)
        {
            throw new MvccException(MvccErrorCode.InvalidKey, $"a key is at most {MaxKeyBytes} bytes of UTF-8, this one is {byteCount}");
        }

        if (key.Any(char.IsControl))
        {
            throw new MvccException(MvccErrorCode.InvalidKey, "a key must not contain control characters");
        }
    }

    public void ValidateValue(ReadOnlyMemory<byte> value)
    {
        if (value.Length > MaxValueBytes)
        {
            throw new MvccException(MvccErrorCode.ValueTooLarge, $"a value is at most {MaxValueBytes} bytes, this one is {value.Length}");
        }
    }
}
