using Microsoft.Extensions.DependencyInjection;

namespace Platform.Client.Tests;

public sealed class PlatformClientServiceCollectionExtensionsTests
{
    [Fact]
    public async Task Clients_from_the_container_use_the_factorys_http_client_and_share_revision_floors()
    {
        const string envelope = """{"key":"k","value":"dg==","contentType":"text/plain","createRevision":3,"modRevision":3,"version":1,"revision":9}""";
        await using var server = await ScriptedServer.StartAsync(ScriptedServer.Json(envelope, revision: 9));
        var services = new ServiceCollection();
        services.AddPlatformClient(o =>
        {
            o.Endpoints = [server.Endpoint];
            o.Token = "t";
        });
        using var provider = services.BuildServiceProvider();

        var first = provider.GetRequiredService<PlatformClient>();
        var second = provider.GetRequiredService<PlatformClient>();
        await first.GetAsync("p", "k", cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotSame(first, second);
        Assert.Equal(server.Endpoint, second.Endpoint);
        Assert.Equal(9, second.LastSeenRevision("p"));
    }
}
