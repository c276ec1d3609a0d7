using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Global.Transport;

/// <summary>
/// Signs inter-region requests with the deployment secret: HMAC-SHA256 over the sender, the
/// method, the path, a timestamp and the body's hash. A request is accepted only with a valid
/// signature made within <see cref="MaxSkew"/>, so a captured request cannot be altered, and can be
/// replayed only briefly (Raft tolerates duplicated messages).
/// </summary>
public static class RequestSignature
{
    public const string FromHeader = "X-Platform-From";
    public const string TimestampHeader = "X-Platform-Timestamp";
    public const string SignatureHeader = "X-Platform-Signature";

    public static readonly TimeSpan MaxSkew = TimeSpan.FromSeconds(30);

    public static string Sign(byte[] secret, string from, string method, string path, long timestampMs, ReadOnlySpan<byte> body)
    {
        var canonical = string.Join('\n', from, method, path, timestampMs.ToString(CultureInfo.InvariantCulture), Convert.ToHexStringLower(SHA256.HashData(body)));
        return Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Null when the request is genuine and fresh, else why it is refused.</summary>
    public static string? Check(byte[] secret, string? from, string method, string path, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(from) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return "no credentials";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return "malformed timestamp";
        }

        if (Math.Abs(now.ToUnixTimeMilliseconds() - ms) > MaxSkew.TotalMilliseconds)
        {
            return "timestamp outside the accepted window";
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, from, method, path, ms, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)) ? null : "bad signature";
    }
}
