using System.Globalization;
using System.Text;
using Platform.Global.Transport;
using Platform.Regional.Api.Problems;
using Platform.Regional.Api.Requests;
using Platform.Regional.Catalog;
using Platform.Regional.Hosting;
using Platform.Regional.Replicas;
using Platform.Regional.Security;
using Platform.Storage.Mvcc;
using Platform.Testing.Linearizability;
using Platform.Testing.Simulation;

namespace Platform.Global.Tests.Simulation.Shipped;

/// <summary>What one seed did.</summary>
public sealed record GlobalRunReport(
    int Seed, string Operator, int NodesPerRegion, int Completed, int Acknowledged, int Replayed, int Archived, int Crashes, int Pauses, int Partitions, int Homes, int Watched, int WatchesEnded, long Steps);

/// <summary>
/// One seeded run of the shipped global layer: three regions of one node each, or (a fifth of the
/// seeds) of three nodes each (<see cref="SimGlobalNode"/>), with per-pair round trips, a <c>local-commit</c> namespace, clients writing (with idempotency
/// keys, retried after an unknown outcome, to the home they cached, or through one region only) and
/// reading linearizably,
/// watchers long-polling any region, and an operator who runs a switchover (possibly raced by a
/// promotion), a promotion of a lost or a live home (possibly followed by a failback), or lets
/// auto-failover act; meanwhile nodes crash and restart, pause for longer than a home lease, and
/// regions are cut off one way or both. Then everything heals, and the checkers run
/// (<see cref="Check"/>; docs/replication.md lists them).
/// </summary>
public sealed class GlobalSimulation
{
    public const string Namespace = "sim";
    public const double ClockRateErrorBound = 0.01;

    private static readonly string[] Regions = ["eu-west", "us-east", "ap-south"];
    private static readonly string[] Keys = ["k0", "k1"];
    private static readonly Caller Operator = new("sim", []);
    private static readonly TimeSpan ClientsFrom = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan HealAt = TimeSpan.FromSeconds(26);

    /// <summary>After healing, a write at the catalog's home must succeed within this (a stale move is aborted after 60 s).</summary>
    private static readonly TimeSpan HomeWithin = TimeSpan.FromSeconds(75);
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan PatientFor = TimeSpan.FromSeconds(40);

    /// <summary>The client that writes only through one region's endpoint (the namespace's first home), whatever the catalog says.</summary>
    private const int PinnedClient = 3;

    /// <summary>How often an answer to the pinned client is lost on its way back (the write may have applied).</summary>
    private const double LostAnswers = 0.25;

    private readonly int seed;
    private readonly SimRandom random;
    private readonly SimTrace trace;
    private readonly SimLoop loop = new() { RealTimeBudget = TimeSpan.FromSeconds(30) };
    private readonly Dictionary<string, SimGlobalNode> nodes = new(StringComparer.Ordinal);
    private readonly SimInterRegionNetwork network;
    private readonly SimProcess clients;
    private readonly ClientHistory history = new();
    private readonly List<Ack> acks = [];
    private readonly List<Poll> polls = [];
    private readonly Dictionary<int, string> knownHomes = [];
    private int watchSessions;

    /// <summary>Nodes cut off from every other region by themselves, and until when.</summary>
    private readonly Dictionary<string, TimeSpan> strandedUntil = new(StringComparer.Ordinal);
    private readonly List<string> violations = [];
    private readonly bool autoFailover;

    /// <summary>
    /// The share of promotion seeds aimed at the edge of the home lease (as FoundationDB's buggify
    /// aims at rare timings): the home on the slow pair of a lopsided layout (its slow link 600-800
    /// ms), cut off right after a lease renewal, the promoter the region whose links are fastest,
    /// promoting within 50 ms, and no other fault injected. Had a region judged the lease's length
    /// by its own links, these are the runs where the lost home's lease would outlast the wait of
    /// its promoter by most.
    /// </summary>
    private const double LeaseEdgeShare = 0.4;

    private readonly bool leaseEdge;
    private readonly string? plannedHome;

    /// <summary>The region pairs in the order the layout lists them.</summary>
    private static IEnumerable<(string, string)> Pairs()
    {
        for (var i = 0; i < Regions.Length; i++)
        {
            for (var j = i + 1; j < Regions.Length; j++)
            {
                yield return (Regions[i], Regions[j]);
            }
        }
    }

    /// <summary>
    /// The share of seeds whose regions run three nodes instead of one. Such a seed costs about
    /// three times the steps of a one-node seed (9 nodes ticking instead of 3): at a fifth of the
    /// seeds, the 2,000 of CI took more than their 3 minutes; a soak's range holds thousands of them.
    /// </summary>
    private const double MultiNodeShare = 0.1;

    private readonly IReadOnlyList<string> regionNodes;

    /// <summary>The deployment's layout (peers, round trips between every pair of regions).</summary>
    private InterRegionOptions InterOptions { get; }
    private readonly string operatorAction;
    private TimeSpan? homeAcceptedAt;
    private int crashes;
    private int pauses;
    private int partitions;
    private bool created;
    private string pinnedRegion = "";

    /// <summary>One long poll a watcher made: its session, where, the cursor it sent, and what came back (null events: it ended the session).</summary>
    private sealed record Poll(int Session, string Node, long After, long Covered, IReadOnlyList<(long Revision, string Key, string Value)>? Events, string? Ended);

    /// <summary>An acknowledged write: which region acknowledged it, in which epoch, at what revision, when (true time).</summary>
    private sealed record Ack(string Key, string Value, string Region, long Epoch, long Revision, TimeSpan At, bool Replayed);

    private GlobalSimulation(int seed)
    {
        trace = new SimTrace(loop, TraceEvents);
        this.seed = seed;
        random = new SimRandom(seed);
        operatorAction = random.Pick(["switchover", "switchover-race", "promotion", "auto-failover", "none"]);
        autoFailover = operatorAction == "auto-failover";
        leaseEdge = operatorAction == "promotion" && random.Chance(LeaseEdgeShare);
        // Half the deployments are lopsided, as when one region sits between two far apart (us-east
        // between eu-west and ap-south): one slow pair and two fast ones. There, a region that judged
        // lease lengths by its own links would differ most from the others. The slow pair reaches
        // 800 ms, as a long route does when its direct link is down.
        var trips = new Dictionary<(string, string), TimeSpan>();
        var lopsided = leaseEdge || random.Chance(0.5);
        var slowPair = random.Between(0, 3);
        if (leaseEdge)
        {
            // The home sits on the slow pair, and the slow link is at its slowest.
            plannedHome = random.Pick(Regions);
            slowPair = random.Pick(Pairs().Select((p, index) => (p, index)).Where(p => p.p.Item1 == plannedHome || p.p.Item2 == plannedHome).Select(p => p.index).ToList());
        }

        var pair = 0;
        for (var i = 0; i < Regions.Length; i++)
        {
            for (var j = i + 1; j < Regions.Length; j++, pair++)
            {
                trips[(Regions[i], Regions[j])] = !lopsided ? random.Between(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(300))
                    : pair == slowPair ? random.Between(TimeSpan.FromMilliseconds(leaseEdge ? 600 : 200), TimeSpan.FromMilliseconds(800))
                    : random.Between(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(80));
            }
        }

        // Some deployments run three nodes a region: a regional group of three replicas, and
        // strong-global groups where every node votes or (as GlobalVotersPerRegion allows) only the
        // first of each region does and the others hold learner replicas, which lag.
        regionNodes = random.Chance(MultiNodeShare) ? ["node-1", "node-2", "node-3"] : ["node-1"];
        int? votersPerRegion = regionNodes.Count > 1 && random.Chance(0.5) ? 1 : null;
        var peers = Regions.SelectMany(r => regionNodes.Select(n => new PeerEndpoint(r, n, new Uri($"http://{n}.{r}.sim:1")))).ToList();
        InterRegionOptions InterFor(string region, string node) => new()
        {
            Region = region,
            NodeName = node,
            Port = 1,
            Secret = new byte[32],
            Peers = peers,
            PairRoundTrips = trips,
            AutoFailoverAfter = TimeSpan.FromSeconds(5),
            GlobalVotersPerRegion = votersPerRegion,
        };

        InterOptions = InterFor(Regions[0], regionNodes[0]);
        network = new SimInterRegionNetwork(loop, random.Fork(), name => nodes[name], InterOptions);
        foreach (var region in Regions)
        {
            var snapshotEvery = random.Chance(0.5) ? 60 : 10_000;
            foreach (var nodeName in regionNodes)
            {
                var options = new NodeOptions
                {
                    Region = region,
                    NodeName = nodeName,
                    DataDirectory = $"/sim/{seed.ToString(CultureInfo.InvariantCulture)}/{region}/{nodeName}",
                    RegionNodes = regionNodes,
                    Groups = 1,
                    SnapshotEveryEntries = snapshotEvery,
                };
                var node = new SimGlobalNode(options, InterFor(region, nodeName), loop, random.Fork(), ClockRateErrorBound,
                    random.Between(TimeSpan.FromMicroseconds(100), TimeSpan.FromMicroseconds(900)), network.For)
                {
                    RegionPeer = peer => nodes[$"{region}/{peer}"],
                };
                nodes[node.Name] = node;
            }
        }

        clients = new SimProcess("clients", loop, random.Fork(), ClockRateErrorBound);
    }

    /// <summary>Runs one seed: its report, the failure (with the end of the trace) if a check failed, and the whole trace.</summary>
    public static (GlobalRunReport Report, string? Failure, string Trace) Run(int seed)
    {
        var simulation = new GlobalSimulation(seed);
        var failure = SimTrace.FailureOf(simulation.RunPhases);
        var trace = simulation.trace.ToString();
        return (simulation.Report(), failure is null ? null : $"seed {seed} ({simulation.operatorAction}): {failure}\n{trace}", trace);
    }

    private GlobalRunReport Report() => new(seed, operatorAction, regionNodes.Count, history.Completed, acks.Count, acks.Count(a => a.Replayed), ArchivedValues().Count,
        crashes, pauses, partitions, acks.Select(a => (a.Region, a.Epoch)).Distinct().Count(),
        polls.Sum(p => p.Events?.Count ?? 0), polls.Count(p => p.Events is null), loop.Steps);

    private string? RunPhases()
    {
        Note("round trips: " + string.Join(", ", InterOptions.PairRoundTrips.Select(p => $"{p.Key.Item1}-{p.Key.Item2} {p.Value.TotalMilliseconds:F0}ms"))
            + (leaseEdge ? " (a run at the lease's edge)" : string.Empty));
        foreach (var node in nodes.Values)
        {
            node.Start(autoFailover);
        }

        var home = plannedHome ?? random.Pick(Regions);
        clients.Post(TimeSpan.FromSeconds(1), () => _ = CreateNamespaceAsync(home));
        pinnedRegion = home;
        for (var client = 0; client <= PinnedClient; client++)
        {
            var id = client;
            clients.Post(ClientsFrom + TimeSpan.FromMilliseconds(client * 37), () => _ = ClientAsync(id));
        }

        for (var watcher = 0; watcher < 2; watcher++)
        {
            clients.Post(ClientsFrom + TimeSpan.FromMilliseconds(500 + (watcher * 53)), () => _ = WatchAsync());
        }

        ScheduleFaults();
        ScheduleOperator();
        loop.RunUntil(HealAt);
        HealAll();
        clients.Post(TimeSpan.FromSeconds(1), () => _ = HomeAcceptsAsync());
        // Until a home accepted a write after healing (or the bound passed), and a little longer for the archive's delivery.
        for (var until = HealAt + TimeSpan.FromSeconds(1); until <= HealAt + HomeWithin && homeAcceptedAt is null; until += TimeSpan.FromSeconds(1))
        {
            loop.RunUntil(until);
        }

        loop.RunUntil(loop.Now + TimeSpan.FromSeconds(3));
        return Check();
    }

    private const int TraceEvents = 3000;

    private void Note(string text) => trace.Note(text);

    /// <summary>A node of the region, as a load balancer in front of it picks one.</summary>
    private SimGlobalNode NodeIn(string region) => nodes[$"{region}/{(regionNodes.Count == 1 ? regionNodes[0] : random.Pick(regionNodes))}"];

    private IEnumerable<SimGlobalNode> NodesIn(string region) => regionNodes.Select(n => nodes[$"{region}/{n}"]);

    /// <summary>The region's node whose replica of the namespace went furthest (after healing, the one that holds the region's whole history).</summary>
    private SimGlobalNode MostAdvancedIn(string region) =>
        NodesIn(region).Where(n => n.Running).MaxBy(n => n.Regional!.Read(m => m.Namespace(Namespace)?.Revision ?? -1)) ?? NodesIn(region).First();

    /// <summary>Where clients send a write: the home as the most advanced running catalog replica says, or (sometimes) anywhere.</summary>
    private string TargetRegion(int client = -1)
    {
        if (random.Chance(0.25))
        {
            return random.Pick(Regions);
        }

        // A client keeps the home it last found until that home refuses it, as an SDK caches it.
        if (client >= 0 && knownHomes.TryGetValue(client, out var known))
        {
            return known;
        }

        var home = LatestEntry()?.HomeRegion ?? random.Pick(Regions);
        if (client >= 0)
        {
            knownHomes[client] = home;
        }

        return home;
    }

    /// <summary>The namespace's entry as the most advanced running catalog replica holds it (the simulator's view, for routing clients and operators).</summary>
    private CatalogEntry? LatestEntry() => nodes.Values.Select(EntryAt).Where(e => e is not null).MaxBy(e => e!.Version);

    /// <summary>The node's catalog entry; none while it is down or its strong-global replicas are starting.</summary>
    private static CatalogEntry? EntryAt(SimGlobalNode node)
    {
        try
        {
            return node.Running ? node.Catalog.Find(Namespace) : null;
        }
        catch (NodeNotReadyException)
        {
            return null;
        }
    }

    private async Task CreateNamespaceAsync(string home)
    {
        var body = new NamespaceBody("local-commit", home, "30s", "alert", autoFailover);
        while (!created)
        {
            if (LatestEntry() is not null)
            {
                // An earlier attempt whose answer was lost created it (and the home may have moved
                // since: a retried PUT would now ask for a move back), as reading it back shows.
                created = true;
                Note("namespace found created by an earlier attempt");
                return;
            }

            var node = NodeIn(home);
            var call = node.Call(TimeSpan.FromMilliseconds(1), async () => await node.NamespaceApi.Handle(new PutNamespace(Operator, Namespace, body), CancellationToken.None));
            try
            {
                if (call is not null)
                {
                    await TimedWait.WaitAsync(call, ClientTimeout, clients.Time);
                    created = true;
                    Note($"namespace created, homed in {home}");
                    return;
                }
            }
            catch (Exception notYet) when (notYet is ApiProblemException or TimeoutException or NodeNotReadyException or InvalidOperationException)
            {
                Note($"create: {notYet.Message}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300), clients.Time);
        }
    }

    private async Task ClientAsync(int client)
    {
        for (var operation = 0; loop.Now < HealAt + TimeSpan.FromSeconds(4); operation++)
        {
            if (created)
            {
                var key = random.Pick(Keys);
                // The pinned client only writes: it keeps its region busy while every other client
                // may be waiting on a region where a move holds requests.
                if (client == PinnedClient || random.Chance(0.6))
                {
                    await PutAsync(client, key, $"c{client}-{operation}");
                }
                else
                {
                    await GetAsync(client, key);
                }
            }

            await Task.Delay(random.Between(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(150)), clients.Time);
        }
    }

    /// <summary>
    /// A put carrying its value as idempotency key, retried while its outcome is unknown or it was
    /// refused, as the SDK does; client 0 is patient, as a queue's consumer delivering at least once:
    /// it retries for up to <see cref="PatientFor"/>, across failovers and failbacks. The pinned
    /// client is as patient but always writes through the same region (a service configured with
    /// one regional endpoint), and some of its answers are lost on the way back: its retry of a
    /// write the region applied just before losing the home reaches that region again once a
    /// failback made it the home again, where a replay must not report the dropped write.
    /// </summary>
    private async Task PutAsync(int client, string key, string value)
    {
        var recorded = history.Add(new RecordedOperation(client, key, KvOperationKind.Put, value, null, loop.Now.Ticks));
        var mayHaveApplied = false;
        var giveUpAt = loop.Now + (client is 0 or PinnedClient ? PatientFor : TimeSpan.FromSeconds(1));
        var pause = TimeSpan.FromMilliseconds(50);
        for (var attempt = 0; attempt == 0 || loop.Now < giveUpAt; attempt++)
        {
            var node = NodeIn(client == PinnedClient ? pinnedRegion : TargetRegion(client));
            var call = node.Call(TimeSpan.FromMilliseconds(1), async () =>
            {
                var written = await node.Writes.Handle(
                    new PutKey(Operator, Namespace, key, Encoding.UTF8.GetBytes(value), "text/plain", new WriteConditions(null, false, value)), CancellationToken.None);
                Acknowledged(node, key, value, written);
                return written;
            });
            try
            {
                if (call is not null)
                {
                    await TimedWait.WaitAsync(call, ClientTimeout, clients.Time);
                    if (client == PinnedClient && random.Chance(LostAnswers))
                    {
                        Note($"the answer to put {key}={value} from {node.Region} is lost");
                        mayHaveApplied = true;
                    }
                    else
                    {
                        recorded.Complete(loop.Now.Ticks, null, false);
                        return;
                    }
                }
            }
            catch (ApiProblemException unknown) when (unknown.Code == "OutcomeUnknown")
            {
                mayHaveApplied = true;
                knownHomes.Remove(client);
            }
            catch (TimeoutException)
            {
                mayHaveApplied = true;
                knownHomes.Remove(client);
            }
            catch (Exception refused) when (refused is ApiProblemException or NodeNotReadyException or InvalidOperationException)
            {
                Note($"put {key}={value} at {node.Region}: {refused.Message}");
                knownHomes.Remove(client);
            }

            await Task.Delay(random.Between(pause, pause * 2), clients.Time);
            pause = pause * 2 > TimeSpan.FromSeconds(2) ? TimeSpan.FromSeconds(2) : pause * 2;
        }

        if (mayHaveApplied)
        {
            recorded.GiveUp();
        }
        else
        {
            recorded.Fail();
        }
    }

    /// <summary>Records an acknowledgment where it is made (the node, in true time); a replay is checked against the node's data there and then.</summary>
    private void Acknowledged(SimGlobalNode node, string key, string value, KeyWritten written)
    {
        acks.Add(new Ack(key, value, node.Region, written.Epoch, written.Revision, loop.Now, written.Replayed));
        Note($"ack {key}={value} by {node.Region} epoch {written.Epoch} rev {written.Revision}{(written.Replayed ? " (replayed)" : string.Empty)}");
        if (written.Replayed)
        {
            // The answer may have come from the regional leader through this node: every replica of
            // the region that reached the revision must hold the write there.
            foreach (var replica in NodesIn(node.Region).Where(n => n.Running).Select(n => n.Regional!))
            {
                var held = replica.Read(m => m.Namespace(Namespace) is { } store && store.Revision >= written.Revision
                    ? store.ChangesAfter(written.Revision - 1).Where(c => c.Revision == written.Revision && c.Current.Key == key).Select(c => Encoding.UTF8.GetString(c.Current.Value.Span)).ToList()
                    : null);
                if (held is not null && !held.Contains(value))
                {
                    violations.Add($"{node.Region} replayed the put {key}={value} as done at revision {written.Revision}, which holds [{string.Join(", ", held)}] there");
                }
            }
        }
    }

    private async Task GetAsync(int client, string key)
    {
        var recorded = history.Add(new RecordedOperation(client, key, KvOperationKind.Get, null, null, loop.Now.Ticks));
        var node = NodeIn(TargetRegion());
        var call = node.Call(TimeSpan.FromMilliseconds(1), async () =>
        {
            var read = await node.Reads.Handle(new GetKey(Operator, Namespace, key, Consistency.Linearizable, null, null, TimeSpan.Zero), CancellationToken.None);
            return read.Value is { } found ? Encoding.UTF8.GetString(found.Value.Span) : null;
        });
        if (call is null)
        {
            recorded.Fail();
            return;
        }

        try
        {
            var value = await TimedWait.WaitAsync(call, ClientTimeout, clients.Time);
            recorded.Complete(loop.Now.Ticks, value, false);
        }
        catch (Exception refused) when (refused is ApiProblemException or TimeoutException or NodeNotReadyException or InvalidOperationException)
        {
            recorded.Fail();
        }
    }

    /// <summary>
    /// A watcher long-polling the namespace in any region, as the SDK watches: it keeps polling the
    /// node its connection reached (for 2-20 s, then it lands anywhere, as a balancer moves it),
    /// resumes from its cursor (in another region, if need be) after an unanswered poll, and starts
    /// a new session from the present after <c>Diverged</c> or <c>Compacted</c>, as a client relists.
    /// </summary>
    private async Task WatchAsync()
    {
        long? cursor = null;
        var session = ++watchSessions;
        SimGlobalNode? connected = null;
        var reconnectAt = TimeSpan.Zero;
        while (loop.Now < HealAt + TimeSpan.FromSeconds(4))
        {
            if (strandedUntil.FirstOrDefault(n => loop.Now < n.Value).Key is { } strandedNode && connected?.Name != strandedNode)
            {
                // The balancer moves the watcher onto a node cut off from the other regions (clients still reach it).
                connected = nodes[strandedNode];
                reconnectAt = strandedUntil[strandedNode];
            }
            else if (connected is null || loop.Now >= reconnectAt)
            {
                connected = NodeIn(random.Pick(Regions));
                reconnectAt = loop.Now + random.Between(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));
            }

            var node = connected;

            var after = cursor;
            var call = node.Call(TimeSpan.FromMilliseconds(1), async () =>
            {
                var start = await new Platform.Regional.Api.Handlers.WatchHandler(node.Namespaces).Handle(new OpenWatch(Operator, Namespace, string.Empty, after), CancellationToken.None);
                var answer = await Platform.Regional.Routing.WatchPoll.PollAsync(node.Namespaces.Replica(Namespace), node.Catalog, Namespace, string.Empty, start.After,
                    () => true, TimeSpan.FromSeconds(2), node.Process.Time, CancellationToken.None);
                return (start.After, answer);
            });
            try
            {
                if (call is not null && created)
                {
                    var (from, answer) = await TimedWait.WaitAsync(call, ClientTimeout, clients.Time);
                    polls.Add(new Poll(session, node.Name, from, answer.Covered,
                        [.. answer.Events.Where(e => e.Kind == ChangeKind.Put).Select(e => (e.Revision, e.Current.Key, Encoding.UTF8.GetString(e.Current.Value.Span)))], null));
                    cursor = answer.Covered;
                    continue;
                }
            }
            catch (ApiProblemException ended) when (ended.Code is "Diverged" or "Compacted")
            {
                polls.Add(new Poll(session, node.Name, after ?? -1, after ?? -1, null, ended.Code));
                Note($"watch session {session} at {node.Region} ends: {ended.Code}");
                cursor = null;
                session = ++watchSessions;
            }
            catch (Exception unanswered) when (unanswered is ApiProblemException or TimeoutException or NodeNotReadyException or InvalidOperationException)
            {
                // Resumed from the cursor at the next poll, through a new connection.
                connected = null;
            }

            if (call is null)
            {
                connected = null;
            }

            await Task.Delay(random.Between(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300)), clients.Time);
        }
    }

    private void ScheduleFaults()
    {
        if (leaseEdge)
        {
            // The promotion's own cut is the only fault: a pause or crash would only slow the
            // promoter and close the window these runs aim at.
            return;
        }

        for (var at = random.Between(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6)); at < HealAt - TimeSpan.FromSeconds(3); at += random.Between(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4)))
        {
            var node = random.Pick(nodes.Values.ToList());
            var kind = random.Between(0, 3);
            var lasting = random.Between(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(kind == 1 ? 10 : 4));
            loop.At(at, null, () =>
            {
                switch (kind)
                {
                    case 0 when node.Running:
                        crashes++;
                        Note($"{node.Name} crashes for {lasting.TotalMilliseconds:F0}ms");
                        node.Crash();
                        network.Crashed(node);
                        loop.After(lasting, null, () => Restart(node));
                        break;
                    case 1 when !node.Process.IsPaused:
                        pauses++;
                        Note($"{node.Name} pauses for {lasting.TotalMilliseconds:F0}ms");
                        node.Process.Pause();
                        loop.After(lasting, null, () => node.Process.Resume());
                        break;
                    case 2:
                        partitions++;
                        var other = random.Pick(Regions.Where(r => r != node.Region).ToList());
                        var oneWay = random.Chance(0.3);
                        Note($"{node.Region} and {other} cut{(oneWay ? " (one way)" : string.Empty)} for {lasting.TotalMilliseconds:F0}ms");
                        network.Cut(node.Region, other);
                        if (!oneWay)
                        {
                            network.Cut(other, node.Region);
                        }

                        loop.After(lasting, null, () =>
                        {
                            network.Heal(node.Region, other);
                            if (!oneWay)
                            {
                                network.Heal(other, node.Region);
                            }
                        });
                        break;
                }
            });
        }
    }

    private void Restart(SimGlobalNode node)
    {
        // Healing may have restarted it already: one process per disk.
        if (!node.Running)
        {
            Note($"{node.Name} restarts");
            node.Start(autoFailover);
        }
    }

    /// <summary>The operator's action of this seed, at a random time once the namespace has had writes.</summary>
    private void ScheduleOperator()
    {
        var at = random.Between(TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(12));
        var isolatedFor = random.Between(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(14));
        loop.At(at, null, () =>
        {
            var entry = LatestEntry();
            if (entry?.HomeRegion is not { } home)
            {
                Note($"operator: no namespace to act on ({operatorAction})");
                return;
            }

            var others = Regions.Where(r => r != home).ToList();
            switch (operatorAction)
            {
                case "switchover":
                    Switchover(random.Pick(others));
                    break;
                case "switchover-race":
                    // A switchover whose drain stalls (the old home cannot reach the target), and an
                    // operator at the target who takes the home for lost and promotes: the promotion
                    // must not take the switchover's move for its own (the planned move loses nothing).
                    var target = random.Pick(others);
                    Switchover(target, withCut: false);
                    loop.After(random.Between(TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(400)), null, () =>
                    {
                        partitions++;
                        var stalled = random.Between(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(12));
                        Note($"{home} cut from {target} (one way) for {stalled.TotalMilliseconds:F0}ms");
                        network.Cut(home, target);
                        loop.After(stalled, null, () => network.Heal(home, target));
                    });
                    var racer = NodeIn(target);
                    var promoteAfter = random.Between(TimeSpan.Zero, TimeSpan.FromSeconds(1));
                    WhenMoving(racer, target, () => loop.After(promoteAfter, null, () =>
                    {
                        // Started while the switchover's record stands, as the racer's catalog shows it.
                        if (EntryAt(racer) is not { MovingBy: MoveKind.Planned } standing || standing.MovingTo != target)
                        {
                            Note("operator: the switchover ended before the promotion could race it");
                            return;
                        }

                        Note($"operator: promotion of {Namespace} from {target} while it switches over there");
                        _ = racer.Call(TimeSpan.FromMilliseconds(1), () => OperatorAsync("promotion", async () =>
                            (await racer.Promotion.PromoteAsync(standing, CancellationToken.None)).ToString()));
                    }));
                    break;
                case "promotion":
                case "auto-failover":
                    // A promotion usually follows the home's loss; sometimes the home is alive and
                    // well (an operator's mistake, or a region-loss drill): either way it must stop
                    // acknowledging before the new home starts.
                    var homeLost = operatorAction == "auto-failover" || leaseEdge || random.Chance(0.7);
                    // Half the losses come right after one of the home's lease renewals, when its
                    // lease runs longest past the revoke; the promoter starts at once.
                    var lostAtRenewal = operatorAction == "promotion" && homeLost && (leaseEdge || random.Chance(0.5));
                    var isolatedAt = loop.Now;
                    void Isolate()
                    {
                        isolatedAt = loop.Now;
                        partitions++;
                        Note($"operator: {home} cut off from every region for {isolatedFor.TotalMilliseconds:F0}ms");
                        foreach (var other in others)
                        {
                            network.Cut(home, other);
                            network.Cut(other, home);
                        }

                        loop.After(isolatedFor, null, () =>
                        {
                            foreach (var other in others)
                            {
                                network.Heal(home, other);
                                network.Heal(other, home);
                            }
                        });
                        if (regionNodes.Count > 1)
                        {
                            StrandAroundFork(home, LatestEntry()!.Epoch);
                        }
                    }

                    if (homeLost && !lostAtRenewal)
                    {
                        Isolate();
                    }

                    if (operatorAction == "promotion")
                    {
                        // Half the time the promoter is the region whose links are fastest (the one
                        // that would derive the shortest lease from its own links).
                        var promoter = NodeIn(!leaseEdge && random.Chance(0.5)
                            ? random.Pick(others)
                            : others.MinBy(r => Regions.Where(o => o != r).Max(o => InterOptions.RoundTripBetween(r, o)))!);
                        var failback = random.Chance(0.5);
                        void Promote()
                        {
                            Note($"operator: promotion of {Namespace} from {promoter.Region}");
                            _ = promoter.Call(TimeSpan.FromMilliseconds(1), async () =>
                            {
                                var promoted = await OperatorAsync("promotion", async () =>
                                    (await promoter.Promotion.PromoteAsync(EntryAt(promoter) ?? throw new InvalidOperationException("no catalog entry here yet"), CancellationToken.None)).ToString());
                                if (promoted && failback)
                                {
                                    // Once the lost home is back: the namespace returns to it by a switchover.
                                    loop.At((homeLost && isolatedAt + isolatedFor > loop.Now ? isolatedAt + isolatedFor : loop.Now) + TimeSpan.FromSeconds(3), null, () => Switchover(home));
                                }

                                return promoted;
                            });
                        }

                        if (lostAtRenewal)
                        {
                            AfterRenewal(home, () =>
                            {
                                Isolate();
                                loop.After(random.Between(TimeSpan.Zero, TimeSpan.FromMilliseconds(leaseEdge ? 50 : 300)), null, Promote);
                            });
                        }
                        else if (homeLost)
                        {
                            loop.After(random.Between(TimeSpan.Zero, TimeSpan.FromSeconds(1)), null, Promote);
                        }
                        else
                        {
                            // A live home: the revoke lands right after one of its lease renewals,
                            // when its lease runs longest past the revoke (the home sees the revoke
                            // and stops at once).
                            AfterRenewal(home, Promote);
                        }
                    }

                    break;
            }
        });
    }

    /// <summary>
    /// In three-node regions, around a promotion's compare-and-swap (from the end of its wait
    /// <c>L * (1 + rho)</c> after the revoke, less up to a second), one node of a region other than
    /// the lost home loses its own route out of the region for 2-4.5 s (under the catalog's 5 s
    /// staleness bound, so it still serves): its group follows the new home through its region's
    /// leader while its catalog replica has not heard of the fork. The watchers' balancer moves
    /// them onto that node, with cursors that may lie past the fork (those that watched the lost
    /// home). Looks for the revoke every 5 ms, for up to 20 s.
    /// </summary>
    private void StrandAroundFork(string lostHome, long epoch)
    {
        var until = loop.Now + TimeSpan.FromSeconds(20);
        void Poll()
        {
            if (nodes.Values.Any(n => EntryAt(n) is { MovingBy: MoveKind.Promotion, MovingTo: not null } entry && entry.Epoch == epoch))
            {
                var wait = Platform.Global.Leases.HomeLeaseKeeper.DurationFor(InterOptions) * (1 + ClockRateErrorBound);
                var stranded = NodeIn(random.Pick(Regions.Where(r => r != lostHome).ToList()));
                var lasting = random.Between(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4.5));
                loop.After(wait - random.Between(TimeSpan.Zero, TimeSpan.FromSeconds(1)), null, () =>
                {
                    Note($"{stranded.Name} cut off from every other region for {lasting.TotalMilliseconds:F0}ms; the watchers move to it");
                    network.CutNode(stranded.Name);
                    strandedUntil[stranded.Name] = loop.Now + lasting;
                    loop.After(lasting, null, () => network.HealNode(stranded.Name));
                });
            }
            else if (loop.Now < until)
            {
                loop.After(TimeSpan.FromMilliseconds(5), null, Poll);
            }
        }

        Poll();
    }

    /// <summary>Runs <paramref name="then"/> once <paramref name="node"/>'s catalog shows a planned move to <paramref name="target"/> (polling every 5 ms, for up to 10 s; else never).</summary>
    private void WhenMoving(SimGlobalNode node, string target, Action then)
    {
        var until = loop.Now + TimeSpan.FromSeconds(10);
        void Poll()
        {
            if (EntryAt(node) is { MovingBy: MoveKind.Planned } entry && entry.MovingTo == target)
            {
                then();
            }
            else if (loop.Now < until)
            {
                loop.After(TimeSpan.FromMilliseconds(5), null, Poll);
            }
        }

        Poll();
    }

    /// <summary>Runs <paramref name="then"/> as soon as a node of <paramref name="region"/> renewed its home lease (polling every 5 ms, for up to 10 s).</summary>
    private void AfterRenewal(string region, Action then)
    {
        var before = NodesIn(region).ToDictionary(n => n, n => n.Running ? n.Leases.Lease.ValidUntil : TimeSpan.MinValue);
        var until = loop.Now + TimeSpan.FromSeconds(10);
        void Poll()
        {
            if (before.FirstOrDefault(b => b.Key.Running && b.Key.Leases.Lease.ValidUntil > b.Value).Key is { } renewed)
            {
                Note($"{renewed.Name} renewed its home lease: it runs {(renewed.Leases.Lease.ValidUntil - renewed.Process.Time.Local).TotalMilliseconds:F0}ms more");
                then();
                return;
            }

            if (loop.Now > until)
            {
                then();
                return;
            }

            loop.After(TimeSpan.FromMilliseconds(5), null, Poll);
        }

        Poll();
    }

    /// <summary>A switchover to <paramref name="target"/>, run at the home the catalog names now.</summary>
    private void Switchover(string target, bool withCut = true)
    {
        var entry = LatestEntry();
        if (entry?.HomeRegion is not { } home || home == target)
        {
            Note($"operator: no switchover to {target} (home {entry?.HomeRegion ?? "unknown"})");
            return;
        }

        Note($"operator: switchover of {home} to {target}");
        if (withCut && random.Chance(0.5) && CatalogLeaderRegion() is { } leader && leader != home)
        {
            // The old home stops hearing from the catalog's leader (one way) while the move
            // commits: its catalog replica goes stale while its last lease still runs.
            var after = random.Between(TimeSpan.Zero, TimeSpan.FromMilliseconds(1500));
            var lasting = random.Between(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(6));
            loop.After(after, null, () =>
            {
                partitions++;
                Note($"{leader} (catalog leader) cut from {home} (one way) for {lasting.TotalMilliseconds:F0}ms");
                network.Cut(leader, home);
                loop.After(lasting, null, () => network.Heal(leader, home));
            });
        }

        var mover = NodeIn(home);
        _ = mover.Call(TimeSpan.FromMilliseconds(1), () => OperatorAsync("switchover", async () =>
            (await mover.NamespaceApi.Handle(new PutNamespace(Operator, Namespace, new NamespaceBody("local-commit", target, "30s", "alert", autoFailover)), CancellationToken.None)).ToString()));
    }

    /// <summary>The region whose node leads the catalog's group now, as the nodes see it.</summary>
    private string? CatalogLeaderRegion()
    {
        foreach (var node in nodes.Values.Where(n => n.Running))
        {
            if (node.Global.Get(Platform.Global.Groups.GlobalGroups.Catalog)?.LeaderAndTerm.Leader is { } leader)
            {
                return leader.Split('/')[0];
            }
        }

        return null;
    }

    private async Task<bool> OperatorAsync(string what, Func<Task<string>> act)
    {
        try
        {
            Note($"operator: {what} done: {await act()}");
            return true;
        }
        catch (Exception failed) when (failed is ApiProblemException or InvalidOperationException or NodeNotReadyException or TimeoutException)
        {
            Note($"operator: {what} failed: {failed.Message}");
            return false;
        }
    }

    private void HealAll()
    {
        Note("every fault heals");
        network.HealAll();
        foreach (var node in nodes.Values)
        {
            if (node.Process.IsPaused)
            {
                node.Process.Resume();
            }

            Restart(node);
        }
    }

    /// <summary>After healing: a write at the catalog's home succeeds within <see cref="HomeWithin"/>.</summary>
    private async Task HomeAcceptsAsync()
    {
        while (loop.Now < HealAt + HomeWithin && created)
        {
            var node = NodeIn(TargetRegion());
            var call = node.Call(TimeSpan.FromMilliseconds(1), async () =>
            {
                var written = await node.Writes.Handle(new PutKey(Operator, Namespace, "healed", "yes"u8.ToArray(), "text/plain", new WriteConditions(null, false, null)), CancellationToken.None);
                return written;
            });
            try
            {
                if (call is not null)
                {
                    var written = await TimedWait.WaitAsync(call, ClientTimeout, clients.Time);
                    homeAcceptedAt = loop.Now;
                    Note($"after healing, {written.Region} accepts writes (epoch {written.Epoch})");
                    return;
                }
            }
            catch (Exception notYet) when (notYet is ApiProblemException or TimeoutException or NodeNotReadyException or InvalidOperationException)
            {
                Note($"after healing: {notYet.Message}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), clients.Time);
        }
    }

    /// <summary>
    /// Every watch session saw a consistent view of the namespace's history: each event is a change
    /// of the home's final history or of the archive (same revision, key and value); a poll gives
    /// every change of the final history in the range it covers; and a session that saw a change
    /// the archive holds, or polls from a cursor past a fork, ends with <c>Diverged</c> before it
    /// sees anything of the history that went on.
    /// </summary>
    private string? CheckWatches(SimGlobalNode home)
    {
        var final = home.Namespaces.Replica(Namespace).Read(m => m.Namespace(Namespace) is { } store
            ? Keys.Append("healed").SelectMany(k => store.History(k, int.MaxValue)).Where(c => c.Kind == ChangeKind.Put)
                .Select(c => (c.Revision, c.Current.Key, Value: Encoding.UTF8.GetString(c.Current.Value.Span))).ToHashSet()
            : []);
        // The archive as the most complete catalog replica holds it (entries are only ever added):
        // the home node's own replica may not have applied the last ones yet (seed 12767).
        var archive = nodes.Values.SelectMany(n => n.Catalog.Replica.Read(m => m.Catalog.Divergent(Namespace)
            .Select(d => (d.Revision, d.Key, Value: Encoding.UTF8.GetString(d.Value.Span))).ToList())).ToHashSet();
        var entry = home.Catalog.Find(Namespace)!;
        var tainted = new HashSet<int>();
        foreach (var poll in polls)
        {
            if (poll.Events is null)
            {
                tainted.Remove(poll.Session);
                continue;
            }

            if (entry.ForkBelow(poll.After) is not null)
            {
                tainted.Add(poll.Session);
            }

            foreach (var change in poll.Events)
            {
                var kept = final.Contains(change);
                if (!kept && !archive.Contains(change))
                {
                    return $"watch session {poll.Session} at {poll.Node} got {change.Key}={change.Value} at revision {change.Revision}, in neither the home's history nor the archive";
                }

                if (kept && tainted.Contains(poll.Session))
                {
                    var earlier = polls.Where(p => p.Session == poll.Session).TakeWhile(p => p != poll).TakeLast(3).Select(p => $"{p.Node} after {p.After} up to {p.Covered} ({p.Events?.Count ?? 0} changes)");
                    return $"watch session {poll.Session} at {poll.Node} ran past a fork: after a revision the failover dropped it got {change.Key}={change.Value} at revision {change.Revision} without Diverged (polling after {poll.After}; before: {string.Join("; ", earlier)})";
                }

                if (!kept)
                {
                    tainted.Add(poll.Session);
                }
            }

            if (!tainted.Contains(poll.Session))
            {
                var missed = final.Where(c => c.Revision > poll.After && c.Revision <= poll.Covered && !poll.Events.Contains(c)).OrderBy(c => c.Revision).FirstOrDefault();
                if (missed.Key is not null)
                {
                    return $"watch session {poll.Session} at {poll.Node} polled after {poll.After} up to {poll.Covered} and missed {missed.Key}={missed.Value} at revision {missed.Revision}";
                }
            }
        }

        return null;
    }

    /// <summary>The archived values, as every catalog replica together holds them (entries are only ever added).</summary>
    private HashSet<string> ArchivedValues() =>
        nodes.Values.Where(n => EntryAt(n) is not null)
            .SelectMany(n => n.Catalog.Replica.Read(m => m.Catalog.Divergent(Namespace).Select(d => Encoding.UTF8.GetString(d.Value.Span)).ToList()))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The checkers: (1) no two (region, epoch) acknowledged writes in overlapping intervals of true
    /// time; (2) acknowledged writes and linearizable reads, without the writes the divergent-writes
    /// archive lists (and reads of them), are linearizable per key; (3) every acknowledged write is
    /// in the home's data or the archive, every archived write was issued by a client, and planned
    /// moves archive nothing; (4) a replayed write was in the data of the node that replayed it
    /// (checked as it replayed); (5) watches saw a consistent view (<see cref="CheckWatches"/>); (6)
    /// after healing one home accepts writes within <see cref="HomeWithin"/>.
    /// </summary>
    private string? Check()
    {
        if (violations.Count > 0)
        {
            return string.Join("\n", violations);
        }

        if (!created)
        {
            return "the namespace was never created";
        }

        var intervals = acks.Where(a => !a.Replayed).GroupBy(a => (a.Region, a.Epoch))
            .Select(g => (g.Key.Region, g.Key.Epoch, From: g.Min(a => a.At), To: g.Max(a => a.At))).OrderBy(i => i.From).ToList();
        for (var i = 0; i + 1 < intervals.Count; i++)
        {
            if (intervals[i + 1].From < intervals[i].To)
            {
                return $"two regions acknowledged writes at once: {intervals[i].Region} (epoch {intervals[i].Epoch}) " +
                    $"from {intervals[i].From.TotalMilliseconds:F0}ms to {intervals[i].To.TotalMilliseconds:F0}ms, " +
                    $"{intervals[i + 1].Region} (epoch {intervals[i + 1].Epoch}) from {intervals[i + 1].From.TotalMilliseconds:F0}ms";
            }
        }

        if (homeAcceptedAt is null)
        {
            return $"no home accepted writes within {HomeWithin.TotalSeconds:0} s of healing";
        }

        var archived = ArchivedValues();
        if (operatorAction is "switchover" or "switchover-race" && archived.Count > 0)
        {
            // Only a promotion of a lost home archives writes; a planned move (and a promotion
            // attempted while one stood) loses nothing.
            return $"planned moves only, yet the divergent-writes archive lists {archived.Count} writes: {string.Join(", ", archived.Order().Take(5))}";
        }

        var issued = history.All.Where(o => o.Kind == KvOperationKind.Put).Select(o => o.Value!).ToHashSet(StringComparer.Ordinal);
        foreach (var value in archived.Where(v => !issued.Contains(v)))
        {
            return $"the divergent-writes archive lists {value}, which no client wrote";
        }

        var home = MostAdvancedIn(LatestEntry()!.HomeRegion!);
        var held = home.Namespaces.Replica(Namespace).Read(m => m.Namespace(Namespace) is { } store
            ? Keys.SelectMany(k => store.History(k, int.MaxValue)).Where(c => c.Kind == ChangeKind.Put).Select(c => Encoding.UTF8.GetString(c.Current.Value.Span)).ToHashSet(StringComparer.Ordinal)
            : []);
        foreach (var ack in acks.Where(a => !held.Contains(a.Value) && !archived.Contains(a.Value)))
        {
            return $"the acknowledged write {ack.Key}={ack.Value} ({ack.Region}, epoch {ack.Epoch}, revision {ack.Revision}) is neither in {home.Region}'s data nor in the archive";
        }

        if (CheckWatches(home) is { } inconsistent)
        {
            return inconsistent;
        }

        foreach (var stillOpen in history.Open())
        {
            stillOpen.GiveUp();
        }

        // A write the archive lists was lost by design (local-commit's RPO); reads that saw it leave the history with it.
        var result = LinearizabilityChecker.Check(history.ForChecker(o => o.Kind == KvOperationKind.Put
            ? !archived.Contains(o.Value!)
            : o.Outcome?.ReadValue is not { } seen || !archived.Contains(seen)));
        return result.Verdict switch
        {
            LinearizabilityVerdict.Violation => "not linearizable: " + result.Explanation,
            LinearizabilityVerdict.Unknown => "the linearizability check ran out of budget: " + result.Explanation,
            _ => null,
        };
    }
}
