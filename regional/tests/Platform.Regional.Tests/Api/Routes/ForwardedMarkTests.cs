using Microsoft.AspNetCore.Http;
using Platform.Regional.Api.Routes;

namespace Platform.Regional.Tests.Api.Routes;

public sealed class ForwardedMarkTests
{
    private static DefaultHttpContext Request(params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        foreach (var (name, value) in headers)
        {
            context.Request.Headers.Append(name, value);
        }

        return context;
    }

    [Fact]
    public void A_mark_this_process_made_is_kept_as_the_forwarding_node_and_its_headers_dropped()
    {
        var mark = new ForwardedMark();
        var headers = new List<(string, string)>();
        mark.Mark((name, value) => headers.Add((name, value)), "us-east/node-2");
        var context = Request([.. headers]);

        mark.Admit(context);

        Assert.Equal("us-east/node-2", ForwardedMark.From(context));
        Assert.False(context.Request.Headers.ContainsKey(ForwardedMark.Header));
        Assert.False(context.Request.Headers.ContainsKey(ForwardedMark.ProofHeader));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("not hex at all, but sixty-four characters long: xxxxxxxxxxxxxx")]
    public void A_mark_without_this_process_proof_is_dropped_and_not_believed(string? proof)
    {
        var mark = new ForwardedMark();
        var context = proof is null
            ? Request((ForwardedMark.Header, "us-east/node-1"))
            : Request(("x-platform-forwarded", "us-east/node-1"), (ForwardedMark.ProofHeader, proof));

        mark.Admit(context);

        Assert.Null(ForwardedMark.From(context));
        Assert.False(context.Request.Headers.ContainsKey(ForwardedMark.Header));
        Assert.False(context.Request.Headers.ContainsKey(ForwardedMark.ProofHeader));
    }

    [Fact]
    public void Another_process_proof_is_not_this_one()
    {
        var headers = new List<(string, string)>();
        new ForwardedMark().Mark((name, value) => headers.Add((name, value)), "us-east/node-1");
        var context = Request([.. headers]);

        new ForwardedMark().Admit(context);

        Assert.Null(ForwardedMark.From(context));
    }
}
