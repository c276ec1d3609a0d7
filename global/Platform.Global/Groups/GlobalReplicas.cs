using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Global.Transport;
using Platform.Regional.Hosting;
using Platform.Regional.Observability;
using Platform.Regional.Replicas;
using Platform.Regional.Transport;

namespace Platform.Global.Groups;

/// <summary>
/// This node's replicas of the strong-global groups: the same consensus core and write path as a
/// regional group (persisted in the node's write-ahead log with group commit), with voters in every
/// region and messages carried by the inter-region transport, whose simulated WAN delay they pay.
/// They exist once the node's identity is settled, and tick from their own timer.
/// </summary>
public sealed partial class GlobalReplicas(
    IServiceProvider services, IInterRegionTransport client, NodeOptions node, NodeIdentity identity, RegionalMetrics metrics, ILoggerFactory loggers, TimeProvider time)
    : BackgroundService, IGroupSource
{
    private readonly Dictionary<ulong, ReplicaCore> replicas = [];
    private readonly ILogger logger = loggers.CreateLogger<GlobalReplicas>();

    // The replicas as a list, replaced (never changed) whenever they change: every tick walks it.
    private IReadOnlyList<(ulong Id, ReplicaCore Replica)> groups = [];

    public IReadOnlyList<(ulong Id, ReplicaCore Replica)> Groups => Volatile.Read(ref groups);

    /// <summary>This node's replica of a strong-global group, or null while the node is starting.</summary>
    public ReplicaCore? Get(ulong group)
    {
        lock (replicas)
        {
            return replicas.GetValueOrDefault(group);
        }
    }

    /// <summary>The deployment's regions and their nodes, in the order the peer list gives them.</summary>
    public GlobalTopology Topology()
    {
        var peers = client.Options.Peers;
        var regions = peers.Select(p => p.Region).Distinct().ToList();
        var nodes = regions.ToDictionary(r => r, r => (IReadOnlyList<string>)[.. peers.Where(p => p.Region == r).Select(p => p.Node)]);
        return new GlobalTopology(regions, nodes, node.Region, node.NodeName, NodeOptions.IncarnationOf(identity.ReplicaId), client.Options.GlobalVotersPerRegion);
    }

    /// <summary>
    /// Disk work (group commit, snapshot chunks) on the caller's thread rather than the thread pool:
    /// for the deterministic simulation, which runs every process on its one thread.
    /// </summary>
    public bool DiskWorkOnCallerThread { get; init; }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>Makes the replicas once the node's identity is settled, then ticks them until <paramref name="stoppingToken"/>.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!identity.IsDecided)
        {
            await Task.Delay(node.TickInterval * 5, time, stoppingToken);
        }

        var topology = Topology();
        var storage = services.GetRequiredService<NodeStorage>();
        lock (replicas)
        {
            foreach (var group in GlobalGroups.All)
            {
                var core = new ReplicaCore(group, storage, topology, metrics, loggers.CreateLogger<ReplicaCore>(), time, services.GetService<Platform.Consensus.IRandomSource>())
                {
                    DiskWorkOnCallerThread = DiskWorkOnCallerThread,
                };
                if (services.GetService<Platform.Regional.Chaos.ChaosState>() is { Enabled: true } chaos)
                {
                    core.Reachable = name => name.Split('/') is [var region, var peer] && chaos.CanReachRegion(region) && (region != node.Region || chaos.CanReachNode(peer));
                }

                core.Transport = (name, batch) => _ = SendAsync(group, name, batch);
                core.SnapshotStreamer = new SnapshotStreamer(group, node.SnapshotChunkBytes, (name, chunk) => SendChunkAsync(group, name, chunk), loggers.CreateLogger<SnapshotStreamer>(), onCallerThread: DiskWorkOnCallerThread);
                replicas[group] = core;
            }

            Volatile.Write(ref groups, [.. replicas.Select(r => (r.Key, r.Value))]);
        }

        using var timer = new PeriodicTimer(node.TickInterval, time);
        var nextJoinCheck = time.Monotonic();
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var (_, replica) in Groups)
            {
                _ = replica.TickAsync();
            }

            if (time.Monotonic() >= nextJoinCheck)
            {
                nextJoinCheck = time.Monotonic() + JoinPeriod;
                foreach (var (group, replica) in Groups.Where(g => g.Replica.NeedsToJoin))
                {
                    _ = AskToJoinAsync(group, replica.Status().ReplicaId, stoppingToken);
                }
            }
        }
    }

    private static readonly TimeSpan JoinPeriod = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A rejoining incarnation (a wiped node) is in no configuration: it asks the group's leader,
    /// found through any peer, to remove its old incarnation, add it as a learner and later promote it.
    /// </summary>
    private async Task AskToJoinAsync(ulong group, ulong replica, CancellationToken cancellationToken)
    {
        var self = $"{node.Region}/{node.NodeName}";
        var asked = new HashSet<string>(StringComparer.Ordinal) { self };
        var queue = new Queue<string>(client.Options.Peers.Select(p => $"{p.Region}/{p.Node}").Where(n => n != self));
        while (queue.TryDequeue(out var peer))
        {
            if (!asked.Add(peer))
            {
                continue;
            }

            try
            {
                var (status, body) = await client.PostAsync(Peer(peer), Path(group, "join"), BitConverter.GetBytes(replica), cancellationToken);
                var reply = status == System.Net.HttpStatusCode.OK ? System.Text.Json.JsonSerializer.Deserialize<JoinReply>(body, JoinJson) : null;
                if (reply is { Status: not JoinStatus.NotLeader })
                {
                    return;
                }

                if (reply?.LeaderNode is { } leader && !asked.Contains(leader))
                {
                    // Ask the leader it names next.
                    var rest = queue.ToList();
                    queue.Clear();
                    queue.Enqueue(leader);
                    rest.ForEach(queue.Enqueue);
                }
            }
            catch (Exception unreachable) when (unreachable is HttpRequestException or TaskCanceledException or ArgumentException)
            {
                LogUndelivered(logger, group, peer, unreachable.Message);
            }
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions JoinJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    private PeerEndpoint Peer(string name)
    {
        // Compared in place: every batch of Raft messages looks its peer up.
        foreach (var peer in client.Options.Peers)
        {
            if (name.Length == peer.Region.Length + 1 + peer.Node.Length && name[peer.Region.Length] == '/'
                && name.StartsWith(peer.Region, StringComparison.Ordinal) && name.EndsWith(peer.Node, StringComparison.Ordinal))
            {
                return peer;
            }
        }

        throw new ArgumentException($"no inter-region address for {name}");
    }

    /// <summary>One batch of Raft messages, fire and forget: a lost batch is what Raft retries anyway.</summary>
    private async Task SendAsync(ulong group, string name, byte[] batch)
    {
        try
        {
            await client.PostAsync(Peer(name), Path(group, "raft"), batch, CancellationToken.None);
        }
        catch (Exception unreachable) when (unreachable is HttpRequestException or TaskCanceledException or ArgumentException)
        {
            LogUndelivered(logger, group, name, unreachable.Message);
        }
    }

    private async Task<long> SendChunkAsync(ulong group, string name, SnapshotChunk chunk)
    {
        var (status, body) = await client.PostAsync(Peer(name), Path(group, "snapshot"), SnapshotChunkCodec.Encode(chunk), CancellationToken.None);
        return status == System.Net.HttpStatusCode.OK && body.Length == sizeof(long)
            ? BitConverter.ToInt64(body)
            : throw new HttpRequestException($"{name} refused a snapshot chunk: {(int)status}");
    }

    public static string Path(ulong group, string what) => $"{InterRegionEndpoint.Prefix}/{what}/{group.ToString(CultureInfo.InvariantCulture)}";

    [LoggerMessage(Level = LogLevel.Debug, Message = "global group {Group}: a batch to {Peer} was not delivered: {Problem}")]
    private static partial void LogUndelivered(ILogger logger, ulong group, string peer, string problem);
}
