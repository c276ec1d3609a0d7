using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Global.Transport;

/// <summary>
/// Signs inter-region requests with the deployment secret: HMAC-SHA256 over the sender, the
/// method, the path, a timestamp, a random nonce and the body's SHA-256, which travels in its own
/// header. The receiver checks the signature from the headers alone, before it reads a byte of the
/// body (an unsigned sender cannot make it buffer anything), then checks the body against the
/// signed digest. A request is accepted only within <see cref="MaxSkew"/> of its timestamp and,
/// with <see cref="ReplayGuard"/>, only once: the nonce makes every request's signature unique.
/// </summary>
public static class RequestSignature
{
    public const string FromHeader = "X-Platform-From";
    public const string TimestampHeader = "X-Platform-Timestamp";
    public const string NonceHeader = "X-Platform-Nonce";
    public const string BodyDigestHeader = "X-Platform-Content-SHA256";
    public const string SignatureHeader = "X-Platform-Signature";

    public static readonly TimeSpan MaxSkew = TimeSpan.FromSeconds(30);

    /// <summary>What a request claims, read from its headers.</summary>
    public readonly record struct Claims(string? From, string Method, string Path, string? Timestamp, string? Nonce, string? BodyDigest, string? Signature);

    /// <summary>The body's SHA-256 as the digest header carries it (lower-case hex).</summary>
    public static string Digest(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>A fresh nonce: 128 random bits.</summary>
    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string Sign(byte[] secret, string from, string method, string path, long timestampMs, string nonce, string bodyDigest)
    {
        var canonical = string.Join('\n', from, method, path, timestampMs.ToString(CultureInfo.InvariantCulture), nonce, bodyDigest);
        return Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Null when the headers are genuine and fresh, else why the request is refused; the body is checked after (<see cref="BodyMatches"/>).</summary>
    public static string? CheckHeaders(byte[] secret, Claims claims, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(claims.From) || string.IsNullOrEmpty(claims.Timestamp) || string.IsNullOrEmpty(claims.Signature)
            || string.IsNullOrEmpty(claims.Nonce) || string.IsNullOrEmpty(claims.BodyDigest))
        {
            return "no credentials";
        }

        if (!long.TryParse(claims.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return "malformed timestamp";
        }

        if (Math.Abs(now.ToUnixTimeMilliseconds() - ms) > MaxSkew.TotalMilliseconds)
        {
            return "timestamp outside the accepted window";
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, claims.From, claims.Method, claims.Path, ms, claims.Nonce, claims.BodyDigest));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(claims.Signature)) ? null : "bad signature";
    }

    /// <summary>Whether the body read is the one the sender signed the digest of.</summary>
    public static bool BodyMatches(string bodyDigest, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(bodyDigest);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Digest(body)), Encoding.ASCII.GetBytes(bodyDigest));
    }
}
