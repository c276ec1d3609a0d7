using Platform.Regional.Security;

namespace Platform.Cli.Tests.Processes;

/// <summary>
/// A region of three real node processes (Orleans silos on the embedded file membership, Raft groups
/// on grains, WAL on disk): it elects leaders, survives SIGKILL of a leader, and takes the node back.
/// </summary>
[Trait("Category", "Integration")]
[Collection(nameof(RegionFaultTests))]
public sealed class RegionFaultTests : IDisposable
{
    private const int Groups = 2;
    private static readonly string[] Names = ["node-1", "node-2", "node-3"];
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));
    private readonly List<NodeProcess> nodes;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public RegionFaultTests()
    {
        nodes = [.. Names.Select(name => new NodeProcess("test", name, Names, dataDirectory, Groups, TokenHash.Of(TokenHash.NewToken())))];
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        foreach (var node in nodes)
        {
            node.Dispose();
        }

        http.Dispose();
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_killed_leader_is_replaced_and_its_node_rejoins_after_a_restart()
    {
        foreach (var node in nodes)
        {
            node.Start();
        }

        var views = await UntilReady(nodes, TimeSpan.FromSeconds(60));
        var leaderName = views[0].Groups.Single(g => g.Id == 0).Leader!;
        var firstTerm = views[0].Groups.Single(g => g.Id == 0).Term;
        var leader = nodes.Single(n => n.Name == leaderName);

        leader.Kill();
        var survivors = nodes.Where(n => n != leader).ToList();
        var after = await UntilReady(survivors, TimeSpan.FromSeconds(30), view => view.Groups.All(g => g.Leader != leaderName));
        var newGroup0 = after[0].Groups.Single(g => g.Id == 0);
        Assert.NotEqual(leaderName, newGroup0.Leader);
        Assert.True(newGroup0.Term > firstTerm);

        leader.Start();
        var rejoined = await UntilReady([leader], TimeSpan.FromSeconds(45), view => view.Groups.Single(g => g.Id == 0).Term >= newGroup0.Term);
        // It follows the group's current term (a later one if leadership moved back to its preferred node since).
        Assert.True(rejoined[0].Groups.Single(g => g.Id == 0).Term >= newGroup0.Term);
        Assert.NotNull(rejoined[0].Groups.Single(g => g.Id == 0).Leader);
        Assert.True(File.Exists(Path.Combine(dataDirectory, "test", leaderName, "replica-id")));
    }

    /// <summary>Polls /readyz on every node until all answer ready (and satisfy <paramref name="also"/>), within a bound.</summary>
    private async Task<List<ReadyView>> UntilReady(IReadOnlyList<NodeProcess> which, TimeSpan bound, Func<ReadyView, bool>? also = null)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            var views = new List<ReadyView>();
            foreach (var node in which)
            {
                if (await node.ReadyAsync(http, Cancel) is { Ready: true } view && (also?.Invoke(view) ?? true))
                {
                    views.Add(view);
                }
            }

            if (views.Count == which.Count)
            {
                return views;
            }

            await Task.Delay(250, Cancel);
        }

        throw new TimeoutException($"nodes {string.Join(',', which.Select(n => n.Name))} were not ready within {bound}");
    }
}

/// <summary>Process collections run one at a time (docs/pitfalls.md, The build machine): two regions at once starve a 2-core machine.</summary>
[CollectionDefinition(nameof(RegionFaultTests), DisableParallelization = true)]
public sealed class RegionFaultSuite;
