namespace Platform.Cli.Tests.Processes;

/// <summary>A region of three real nodes whose Orleans membership lives in Azure Table Storage (Azurite).</summary>
[Trait("Category", "Integration")]
public sealed class AzuriteClusteringTests : IDisposable
{
    private static readonly string[] Names = ["node-1", "node-2", "node-3"];
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));
    private readonly AzuriteProcess azurite = new();
    private readonly List<NodeProcess> nodes = [];
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        foreach (var node in nodes)
        {
            node.Dispose();
        }

        azurite.Dispose();
        http.Dispose();
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Three_nodes_on_azurite_clustering_form_a_region_and_elect_leaders()
    {
        await azurite.WaitUntilListeningAsync(TimeSpan.FromSeconds(30), Cancel);
        nodes.AddRange(Names.Select(name => new NodeProcess("az", name, Names, dataDirectory, groups: 2, azureTables: azurite.ConnectionString)));
        foreach (var node in nodes)
        {
            node.Start();
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var leaders = new HashSet<string?>();
        while (DateTime.UtcNow < deadline)
        {
            var views = new List<(bool Ready, IReadOnlyList<(long Id, string? Leader, long Term)> Groups)>();
            foreach (var node in nodes)
            {
                if (await node.ReadyAsync(http, Cancel) is { Ready: true } view)
                {
                    views.Add(view);
                }
            }

            if (views.Count == nodes.Count)
            {
                leaders = [.. views.Select(v => v.Groups.Single(g => g.Id == 0).Leader)];
                break;
            }

            await Task.Delay(250, Cancel);
        }

        var leader = Assert.Single(leaders);
        Assert.Contains(leader, Names);
        Assert.False(File.Exists(Path.Combine(dataDirectory, "az", "membership.json")), "the embedded membership file must not be used");
    }
}
