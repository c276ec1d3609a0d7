using Platform.Global.Transport;

namespace Platform.Global.Tests.Transport;

public sealed class RequestSignatureTests
{
    private static readonly byte[] Secret = Convert.FromHexString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    private static string Sign(string path, byte[] body, long at) => RequestSignature.Sign(Secret, "eu-west/node-1", "POST", path, at, body);

    [Fact]
    public void A_genuine_fresh_request_is_accepted()
    {
        var at = Now.ToUnixTimeMilliseconds();
        Assert.Null(RequestSignature.Check(Secret, "eu-west/node-1", "POST", "/inter/v1/ping", at.ToString(System.Globalization.CultureInfo.InvariantCulture), Sign("/inter/v1/ping", "x"u8.ToArray(), at), "x"u8, Now));
    }

    [Fact]
    public void Missing_altered_stale_or_foreign_credentials_are_refused()
    {
        var at = Now.ToUnixTimeMilliseconds();
        var stamp = at.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = Sign("/inter/v1/raft/1", "body"u8.ToArray(), at);

        Assert.Equal("no credentials", RequestSignature.Check(Secret, null, "POST", "/inter/v1/raft/1", stamp, signature, "body"u8, Now));
        Assert.Equal("bad signature", RequestSignature.Check(Secret, "eu-west/node-1", "POST", "/inter/v1/raft/1", stamp, signature, "b0dy"u8, Now));
        Assert.Equal("bad signature", RequestSignature.Check(Secret, "eu-west/node-1", "POST", "/inter/v1/raft/2", stamp, signature, "body"u8, Now));
        Assert.Equal("bad signature", RequestSignature.Check(Secret, "us-east/node-1", "POST", "/inter/v1/raft/1", stamp, signature, "body"u8, Now));
        Assert.Equal("bad signature", RequestSignature.Check(new byte[32], "eu-west/node-1", "POST", "/inter/v1/raft/1", stamp, signature, "body"u8, Now));
        Assert.Equal("timestamp outside the accepted window", RequestSignature.Check(Secret, "eu-west/node-1", "POST", "/inter/v1/raft/1", stamp, signature, "body"u8, Now + TimeSpan.FromMinutes(2)));
        Assert.Equal("malformed timestamp", RequestSignature.Check(Secret, "eu-west/node-1", "POST", "/inter/v1/raft/1", "soon", signature, "body"u8, Now));
    }
}
