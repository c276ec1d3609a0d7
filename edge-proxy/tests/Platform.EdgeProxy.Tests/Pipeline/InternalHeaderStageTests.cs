using Microsoft.AspNetCore.Http;
using Platform.EdgeProxy.Pipeline;

namespace Platform.EdgeProxy.Tests.Pipeline;

public sealed class InternalHeaderStageTests
{
    [Fact]
    public async Task The_nodes_forwarded_mark_never_passes_the_edge_in_any_case_of_its_name()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Append("x-PLATFORM-forwarded", "us-east/node-1");
        context.Request.Headers.Append("X-Platform-Forwarded-Proof", "00");
        context.Request.Headers.Append("X-Config-Other", "kept");
        IHeaderDictionary? seen = null;
        var stage = new InternalHeaderStage(next => { seen = next.Request.Headers; return Task.CompletedTask; });

        await stage.InvokeAsync(context);

        Assert.NotNull(seen);
        Assert.False(seen.ContainsKey("X-Platform-Forwarded"));
        Assert.False(seen.ContainsKey("X-Platform-Forwarded-Proof"));
        Assert.Equal("kept", seen["X-Config-Other"].ToString());
    }
}
