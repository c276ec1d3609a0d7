using System.Security.Cryptography;
using System.Text;

namespace Platform.Regional.Security;

/// <summary>
/// Tokens are random 256-bit strings kept only as SHA-256 hashes: a copy of the state (a snapshot,
/// a log segment) gives nobody a usable token. A slow password hash buys nothing for random secrets.
/// </summary>
public static class TokenHash
{
    private const string Prefix = "pt_";

    public static string NewToken() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Of(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Compares two hex hashes in constant time.</summary>
    public static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
