using Platform.Global.Transport;

namespace Platform.Global.Tests.Transport;

public sealed class RequestSignatureTests
{
    private static readonly byte[] Secret = Convert.FromHexString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
    private const string Nonce = "0123456789abcdef0123456789abcdef";

    private static string Stamp => Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static RequestSignature.Claims Signed(string path, byte[] body) =>
        new("eu-west/node-1", "POST", path, Stamp, Nonce, RequestSignature.Digest(body),
            RequestSignature.Sign(Secret, "eu-west/node-1", "POST", path, Now.ToUnixTimeMilliseconds(), Nonce, RequestSignature.Digest(body)));

    [Fact]
    public void A_genuine_fresh_request_is_accepted_from_its_headers_and_its_body_matches()
    {
        var claims = Signed("/inter/v1/ping", "x"u8.ToArray());

        Assert.Null(RequestSignature.CheckHeaders(Secret, claims, Now));
        Assert.True(RequestSignature.BodyMatches(claims.BodyDigest!, "x"u8));
    }

    [Fact]
    public void Missing_altered_stale_or_foreign_credentials_are_refused()
    {
        var claims = Signed("/inter/v1/raft/1", "body"u8.ToArray());

        Assert.Equal("no credentials", RequestSignature.CheckHeaders(Secret, claims with { From = null }, Now));
        Assert.Equal("no credentials", RequestSignature.CheckHeaders(Secret, claims with { Nonce = null }, Now));
        Assert.Equal("no credentials", RequestSignature.CheckHeaders(Secret, claims with { BodyDigest = "" }, Now));
        Assert.Equal("bad signature", RequestSignature.CheckHeaders(Secret, claims with { BodyDigest = RequestSignature.Digest("b0dy"u8) }, Now));
        Assert.Equal("bad signature", RequestSignature.CheckHeaders(Secret, claims with { Nonce = "1" + Nonce[1..] }, Now));
        Assert.Equal("bad signature", RequestSignature.CheckHeaders(Secret, claims with { Path = "/inter/v1/raft/2" }, Now));
        Assert.Equal("bad signature", RequestSignature.CheckHeaders(Secret, claims with { From = "us-east/node-1" }, Now));
        Assert.Equal("bad signature", RequestSignature.CheckHeaders(new byte[32], claims, Now));
        Assert.Equal("timestamp outside the accepted window", RequestSignature.CheckHeaders(Secret, claims, Now + TimeSpan.FromMinutes(2)));
        Assert.Equal("malformed timestamp", RequestSignature.CheckHeaders(Secret, claims with { Timestamp = "soon" }, Now));
    }

    [Fact]
    public void A_body_other_than_the_signed_one_does_not_match()
    {
        var claims = Signed("/inter/v1/raft/1", "body"u8.ToArray());

        Assert.Null(RequestSignature.CheckHeaders(Secret, claims, Now));
        Assert.False(RequestSignature.BodyMatches(claims.BodyDigest!, "b0dy"u8));
        Assert.False(RequestSignature.BodyMatches(claims.BodyDigest!, []));
    }

    [Fact]
    public void Every_request_signs_a_fresh_nonce()
    {
        Assert.NotEqual(RequestSignature.NewNonce(), RequestSignature.NewNonce());
        Assert.Equal(32, RequestSignature.NewNonce().Length);
    }
}
