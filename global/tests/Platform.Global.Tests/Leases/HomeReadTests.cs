using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Platform.Regional.Routing;
using Platform.Regional.StateMachine;

namespace Platform.Global.Tests.Leases;

/// <summary>
/// A linearizable read at the home is answered only from this epoch's home data: never from a copy,
/// a fenced or frozen state, or a store of another epoch, whatever this node's catalog replica says.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HomeReadTests(LinkedRegionsFixture regions) : IClassFixture<LinkedRegionsFixture>
{
    private const string Home = "eu-west";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_home_whose_data_became_a_copy_answers_no_linearizable_read_while_its_catalog_still_says_home()
    {
        using var home = regions.Client(Home);
        await Eventually.NamespaceAsync(home, "demoted", new { mode = "local-commit", homeRegion = Home });
        await Eventually.WrittenAsync(home, "/v1/ns/demoted/kv/k", "1");

        // What a switchover's old home holds once its replicator demoted its data, seen by a node
        // whose catalog replica has not yet learned of the move: the entry still names this region,
        // in the same epoch, and the data is a copy with no fence (it was lifted after the demotion).
        var services = regions.Services(Home);
        var access = services.GetRequiredService<NamespaceAccess>();
        var entry = access.Catalog.Find("demoted")!;
        var demoted = await services.GetRequiredService<GroupRouter>().ProposeAsync(access.GroupOf("demoted"), new DemoteToCopyCommand("demoted", entry.Settings), Cancel);
        Assert.True(demoted.Succeeded, demoted.Problem);

        using var read = await home.GetAsync(new Uri("/v1/ns/demoted/kv/k?consistency=linearizable", UriKind.Relative), Cancel);
        var body = await read.Content.ReadAsStringAsync(Cancel);
        Assert.True(read.StatusCode == HttpStatusCode.ServiceUnavailable, $"a linearizable read was answered {(int)read.StatusCode} '{body}' from a copy");
    }
}
