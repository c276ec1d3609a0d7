using System.Diagnostics;
using Platform.Regional.Namespaces;
using Platform.Regional.Security;

namespace Platform.Cli.Tests.Processes;

/// <summary>
/// A region of three real node processes (embedded file membership, WAL with fsync on disk) with an
/// admin token, shared by the tests of one collection. Tests break it on purpose; each starts with
/// <see cref="HealAsync"/>, which restarts what is dead, resumes what is frozen and waits until every
/// group is led by its preferred node again, so the leader a test picks is a stable one.
/// </summary>
public sealed class ProcessRegion : IAsyncLifetime
{
    public const string RegionName = "faults";
    public const int Groups = 3;
    private static readonly string[] Names = ["node-1", "node-2", "node-3"];
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "platform-tests", Guid.NewGuid().ToString("N"));
    private readonly HttpClient probe = new() { Timeout = TimeSpan.FromSeconds(3) };

    public ProcessRegion()
    {
        Token = TokenHash.NewToken();
        Nodes = [.. Names.Select(name => new NodeProcess(RegionName, name, Names, dataDirectory, Groups, TokenHash.Of(Token)))];
        Api = new RegionApi(Token);
    }

    /// <summary>The bootstrap admin token (its hash is what the nodes were given).</summary>
    public string Token { get; }

    internal IReadOnlyList<NodeProcess> Nodes { get; }

    internal RegionApi Api { get; }

    internal NodeProcess Node(string name) => Nodes.Single(n => n.Name == name);

    /// <summary>The node group g prefers as its leader once the region is healthy: node (g mod 3) + 1.</summary>
    internal NodeProcess PreferredLeader(long group) => Nodes[(int)(group % Nodes.Count)];

    public async ValueTask InitializeAsync()
    {
        foreach (var node in Nodes)
        {
            node.Start();
        }

        await HealAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Brings the region back to full health: frozen nodes resumed, dead ones restarted on their data,
    /// every node ready and agreeing that group g is led by its preferred node.
    /// </summary>
    internal async Task HealAsync(TimeSpan bound, CancellationToken cancel)
    {
        foreach (var node in Nodes)
        {
            if (node.IsFrozen)
            {
                node.Thaw();
            }

            if (!node.IsRunning)
            {
                node.Start();
            }
        }

        await UntilAsync(
            Nodes,
            bound,
            view => view.Ready && Enumerable.Range(0, Groups).All(g => view.Group(g).Leader == PreferredLeader(g).Name),
            "every node ready and every group led by its preferred node",
            cancel);
    }

    /// <summary>One node's /readyz answer, or null when it does not answer.</summary>
    internal Task<ReadyView?> ReadyAsync(NodeProcess node, CancellationToken cancel) => node.ReadyAsync(probe, cancel);

    /// <summary>A fresh namespace (homed in this region) that lives in <paramref name="group"/>, created through <paramref name="via"/>.</summary>
    internal async Task<string> CreateNamespaceInGroupAsync(string prefix, long group, NodeProcess via, CancellationToken cancel)
    {
        var name = Enumerable.Range(0, 10_000).Select(i => $"{prefix}-{i}").First(n => NamespacePlacement.GroupOf(n, Groups) == (ulong)group);
        await Api.CreateNamespaceAsync(via, name, RegionName, cancel);
        return name;
    }

    /// <summary>
    /// Polls /readyz of <paramref name="which"/> until every one answers and satisfies <paramref name="condition"/>;
    /// returns the views, or throws with what the nodes said last (and their output) when the bound passes.
    /// </summary>
    internal async Task<IReadOnlyList<ReadyView>> UntilAsync(
        IReadOnlyList<NodeProcess> which, TimeSpan bound, Func<ReadyView, bool> condition, string what, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var last = new Dictionary<string, ReadyView?>();
        while (clock.Elapsed < bound)
        {
            var views = new List<ReadyView>();
            foreach (var node in which)
            {
                var view = await node.ReadyAsync(probe, cancel);
                last[node.Name] = view;
                if (view is not null && condition(view))
                {
                    views.Add(view);
                }
            }

            if (views.Count == which.Count)
            {
                return views;
            }

            await Task.Delay(100, cancel);
        }

        var said = string.Join("\n", last.Select(entry => $"{entry.Key}: {(entry.Value is null ? "no answer" : Describe(entry.Value))}"));
        throw new TimeoutException(
            $"not within {bound}: {what}\n{said}\n{string.Join('\n', which.Select(n => n.OutputTail(15)))}");
    }

    private static string Describe(ReadyView view) =>
        $"ready={view.Ready} " + string.Join(' ', view.Groups.Select(g => $"g{g.Id}:{g.Leader ?? "-"}@{g.Term}({g.Role})"));

    public ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }

        Api.Dispose();
        probe.Dispose();
        try
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A node killed a moment ago may still be releasing a file; the temp folder is cleaned eventually.
        }

        return ValueTask.CompletedTask;
    }
}
