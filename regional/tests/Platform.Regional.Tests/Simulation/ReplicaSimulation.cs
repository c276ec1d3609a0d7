using System.Globalization;
using System.Text;
using Platform.Regional.Api.Problems;
using Platform.Regional.Hosting;
using Platform.Regional.Replicas;
using Platform.Regional.StateMachine;
using Platform.Regional.Transport;
using Platform.Storage.Mvcc;
using Platform.Testing.Linearizability;
using Platform.Testing.Simulation;

namespace Platform.Regional.Tests.Simulation;

/// <summary>What one seed did.</summary>
public sealed record ReplicaRunReport(int Seed, int Nodes, int Completed, int Acknowledged, int Replayed, int Crashes, int Pauses, int Partitions);

/// <summary>
/// One seeded run of the shipped replica: a region of 3 or 5 nodes, each a <see cref="SimReplicaNode"/>
/// running <see cref="ReplicaCore"/> with the real group state machine and write-ahead log on a
/// simulated disk. Clients put values with idempotency keys (retried after an unknown outcome,
/// as the SDK does) and read linearizably (ReadIndex, then the applied state) while nodes crash,
/// restart, pause for longer than an election, and the network delays, drops, duplicates and
/// reorders messages and partitions nodes, one way or both. Then every fault heals and the
/// checks run: the client history is linearizable, every replica converges on the same state, a
/// replayed outcome names a write that is in the data, and no value was applied twice.
/// </summary>
public sealed class ReplicaSimulation
{
    public const string Namespace = "sim";
    public const double ClockRateErrorBound = 0.01;

    private static readonly TimeSpan FaultsFor = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan HealedFor = TimeSpan.FromSeconds(4);
    /// <summary>Longer than a node's request timeout (1.5 s): the node answers first, unless it crashed or paused.</summary>
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(4);
    private static readonly string[] Keys = ["k0", "k1", "k2"];

    private readonly int seed;
    private readonly SimRandom random;
    private readonly SimTrace trace;
    private readonly SimLoop loop = new();
    private readonly Dictionary<string, SimReplicaNode> nodes = new(StringComparer.Ordinal);
    private readonly HashSet<(string From, string To)> cut = [];
    private readonly SimProcess clients;
    private readonly ClientHistory history = new();
    private readonly List<(string Value, long Revision)> replays = [];
    private int crashes;
    private int pauses;
    private int partitions;
    private int acknowledged;
    private bool faulting = true;

    private ReplicaSimulation(int seed)
    {
        trace = new SimTrace(loop, TraceEvents);
        this.seed = seed;
        random = new SimRandom(seed);
        var count = random.Chance(0.5) ? 3 : 5;
        var names = Enumerable.Range(1, count).Select(i => $"node-{i}").ToArray();
        var dataDirectory = "/sim/" + seed.ToString(CultureInfo.InvariantCulture);
        foreach (var name in names)
        {
            var options = new NodeOptions
            {
                Region = "sim",
                NodeName = name,
                DataDirectory = Path.Combine(dataDirectory, name),
                RegionNodes = names,
                Groups = 1,
                MinElectionTimeout = TimeSpan.FromMilliseconds(300),
                HeartbeatInterval = TimeSpan.FromMilliseconds(50),
                TickInterval = TimeSpan.FromMilliseconds(10),
                SnapshotEveryEntries = random.Chance(0.5) ? 40 : 10_000,
                SnapshotCatchUpEntries = 5,
                RequestTimeout = TimeSpan.FromMilliseconds(1500),
            };
            var peers = new SimReplicaPeers(name, n => nodes[n], (from, to) => !cut.Contains((from, to)), () => random.Between(TimeSpan.FromMicroseconds(100), TimeSpan.FromMilliseconds(faulting ? 20 : 2)));
            var node = new SimReplicaNode(name, options, loop, random.Fork(), ClockRateErrorBound, random.Between(TimeSpan.FromMicroseconds(100), TimeSpan.FromMicroseconds(900)), peers);
            node.Send = Deliver;
            node.SendChunk = DeliverChunkAsync;
            nodes[name] = node;
        }

        clients = new SimProcess("clients", loop, random.Fork(), ClockRateErrorBound);
    }

    /// <summary>Runs one seed: its report, the failure (with the end of the trace) if a check failed, and the whole trace.</summary>
    public static (ReplicaRunReport Report, string? Failure, string Trace) Run(int seed)
    {
        var simulation = new ReplicaSimulation(seed);
        var failure = SimTrace.FailureOf(simulation.RunPhases);
        var trace = simulation.trace.ToString();
        return (simulation.Report(), failure is null ? null : $"seed {seed}: {failure}\n{trace}", trace);
    }

    private ReplicaRunReport Report() => new(seed, nodes.Count, history.Completed, acknowledged, replays.Count, crashes, pauses, partitions);

    private string? RunPhases()
    {
        foreach (var node in nodes.Values)
        {
            node.Start();
        }

        clients.Post(TimeSpan.Zero, () => _ = CreateNamespaceAsync());
        for (var client = 0; client < 4; client++)
        {
            var id = client;
            clients.Post(TimeSpan.FromMilliseconds(500 + (client * 37)), () => _ = ClientAsync(id));
        }

        ScheduleFaults();
        loop.RunUntil(FaultsFor);
        faulting = false;
        HealAll();
        loop.RunUntil(FaultsFor + HealedFor);
        return Check();
    }

    /// <summary>How many of the last events a failure shows.</summary>
    private const int TraceEvents = 400;

    private void Note(string text) => trace.Note(text);

    /// <summary>The network: per message a delay, sometimes a drop or a duplicate (so messages reorder too); cut pairs lose everything.</summary>
    private void Deliver(string from, string to, byte[] batch)
    {
        if (cut.Contains((from, to)) || (faulting && random.Chance(0.02)))
        {
            return;
        }

        var copies = faulting && random.Chance(0.02) ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var target = nodes[to];
            target.Process.Post(random.Between(TimeSpan.FromMicroseconds(100), TimeSpan.FromMilliseconds(faulting ? 30 : 2)), () =>
            {
                if (target.Core is { } core && !cut.Contains((from, to)))
                {
                    foreach (var message in RaftMessageCodec.Decode(batch))
                    {
                        Note($"{from}->{to} {message.Type} t{message.Term} i{message.Index} lt{message.LogTerm} c{message.Commit} e{message.Entries.Length}{(message.Reject ? " reject" : string.Empty)}");
                    }

                    _ = core.DeliverAsync(batch);
                }
            });
        }
    }

    /// <summary>A snapshot chunk, as a request to the receiving node: lost across a cut or with a node down, else answered with what it staged.</summary>
    private async Task<long> DeliverChunkAsync(string from, string to, SnapshotChunk chunk)
    {
        var target = nodes[to];
        if (cut.Contains((from, to)) || cut.Contains((to, from)) || target.Call(random.Between(TimeSpan.FromMicroseconds(100), TimeSpan.FromMilliseconds(5)), core => core.ReceiveSnapshotChunkAsync(chunk)) is not { } call)
        {
            throw new IOException($"{to} cannot be reached");
        }

        return await TimedWait.WaitAsync(call, ClientTimeout, nodes[from].Process.Time);
    }

    private void ScheduleFaults()
    {
        for (var at = random.Between(TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(1500)); at < FaultsFor - TimeSpan.FromSeconds(1); at += random.Between(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1200)))
        {
            var node = random.Pick(nodes.Values.ToList());
            var kind = random.Between(0, 3);
            var lasting = random.Between(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1500));
            loop.At(at, null, () =>
            {
                switch (kind)
                {
                    case 0 when node.Core is not null:
                        crashes++;
                        Note($"{node.Name} crashes for {lasting.TotalMilliseconds:F0}ms");
                        node.Crash();
                        loop.After(lasting, null, () =>
                        {
                            // Healing may have restarted it already: one process per disk.
                            if (node.Core is null)
                            {
                                Note($"{node.Name} restarts");
                                node.Start();
                            }
                        });
                        break;
                    case 1 when !node.Process.IsPaused:
                        pauses++;
                        Note($"{node.Name} pauses for {lasting.TotalMilliseconds:F0}ms");
                        node.Process.Pause();
                        loop.After(lasting, null, () => node.Process.Resume());
                        break;
                    case 2:
                        partitions++;
                        var oneWay = random.Chance(0.3);
                        Note($"{node.Name} cut off{(oneWay ? " (its sends only)" : string.Empty)} for {lasting.TotalMilliseconds:F0}ms");
                        var pairs = nodes.Keys.Where(n => n != node.Name).SelectMany(n => oneWay ? [(node.Name, n)] : new[] { (node.Name, n), (n, node.Name) }).ToList();
                        cut.UnionWith(pairs);
                        loop.After(lasting, null, () => cut.ExceptWith(pairs));
                        break;
                }
            });
        }
    }

    private void HealAll()
    {
        Note("every fault heals");
        cut.Clear();
        foreach (var node in nodes.Values)
        {
            if (node.Process.IsPaused)
            {
                node.Process.Resume();
            }

            if (node.Core is null)
            {
                Note($"{node.Name} restarts");
                node.Start();
            }
        }
    }

    private long Ticks => loop.Now.Ticks;

    private async Task CreateNamespaceAsync()
    {
        while (true)
        {
            var reply = await ProposeAnywhereAsync(new CreateNamespaceCommand(Namespace));
            if (reply is { Status: ProposeStatus.Applied })
            {
                Note("namespace created");
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), clients.Time);
        }
    }

    /// <summary>
    /// Sends a command to a random node, whose shipped router finds the leader and forwards it: the
    /// outcome, or why not. <see cref="ProposeStatus.Unknown"/> stands for every answer after which
    /// the write may have committed (OutcomeUnknown, or no answer in time); a refusal that changed
    /// nothing (no leader, the node down or starting) comes back as <see cref="ProposeStatus.Refused"/>.
    /// </summary>
    private async Task<ProposeReply> ProposeAnywhereAsync(GroupCommand command)
    {
        var node = random.Pick(nodes.Values.ToList());
        var call = node.Call(random.Between(TimeSpan.FromMicroseconds(100), TimeSpan.FromMilliseconds(2)), _ => node.Router.ProposeAsync(0, command, CancellationToken.None));
        if (call is null)
        {
            return new ProposeReply(ProposeStatus.Refused, null, 0, null, $"{node.Name} is down");
        }

        try
        {
            return await TimedWait.WaitAsync(call, ClientTimeout, clients.Time);
        }
        catch (TimeoutException)
        {
            return new ProposeReply(ProposeStatus.Unknown, null, 0, null, "the client stopped waiting");
        }
        catch (ApiProblemException problem) when (problem.Code == "OutcomeUnknown")
        {
            return new ProposeReply(ProposeStatus.Unknown, null, 0, null, problem.Message);
        }
        catch (Exception refused) when (refused is ApiProblemException or NodeNotReadyException)
        {
            return new ProposeReply(ProposeStatus.Refused, null, 0, null, refused.Message);
        }
    }

    private async Task ClientAsync(int client)
    {
        for (var operation = 0; loop.Now < FaultsFor + TimeSpan.FromSeconds(1); operation++)
        {
            var key = random.Pick(Keys);
            if (random.Chance(0.55))
            {
                await PutAsync(client, key, $"c{client}-{operation}");
            }
            else
            {
                await GetAsync(client, key);
            }

            await Task.Delay(random.Between(TimeSpan.Zero, TimeSpan.FromMilliseconds(40)), clients.Time);
        }
    }

    /// <summary>
    /// A put with its value as idempotency key, retried (up to 5 times) while its outcome is unknown
    /// or it certainly had no effect, as the SDK retries a write that carries an Idempotency-Key.
    /// </summary>
    private async Task PutAsync(int client, string key, string value)
    {
        var recorded = history.Add(new RecordedOperation(client, key, KvOperationKind.Put, value, null, Ticks));
        var command = new NamespaceCommand(Namespace, new PutCommand(key, Encoding.UTF8.GetBytes(value), "text/plain"), IdempotencyKey: value);
        var mayHaveApplied = false;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var reply = await ProposeAnywhereAsync(command);
            switch (reply)
            {
                case { Status: ProposeStatus.Applied, Write: { Succeeded: true } written }:
                    acknowledged++;
                    if (written.Replayed)
                    {
                        replays.Add((value, written.Revision));
                    }

                    recorded.Complete(Ticks, null, false);
                    return;
                case { Status: ProposeStatus.Applied, Problem: "namespace 'sim' does not exist" }:
                    break;
                case { Status: ProposeStatus.Applied }:
                    throw new InvalidOperationException($"a put of {key}={value} was applied and refused: {reply.Problem} {reply.Write?.Detail}");
                case { Status: ProposeStatus.Unknown }:
                    mayHaveApplied = true;
                    break;
            }

            await Task.Delay(random.Between(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(200)), clients.Time);
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

    /// <summary>A linearizable read: a read point from the leader (ReadIndex or its lease), then the node's state once it applied that point.</summary>
    private async Task GetAsync(int client, string key)
    {
        var recorded = history.Add(new RecordedOperation(client, key, KvOperationKind.Get, null, null, Ticks));
        var node = random.Pick(nodes.Values.ToList());
        var call = node.Call(random.Between(TimeSpan.FromMicroseconds(100), TimeSpan.FromMilliseconds(2)), async core =>
        {
            // The node API's barrier: a read point from the leader (forwarded by the router), then
            // this node's replica once it applied that point.
            try
            {
                await node.Router.LinearizableBarrierAsync(0, CancellationToken.None);
            }
            catch (ApiProblemException)
            {
                return (Read: false, Value: (string?)null);
            }

            return core.Read(m => m.Namespace(Namespace) is { } store
                ? (Read: true, Value: store.Get(key) is { } value ? Encoding.UTF8.GetString(value.Value.Span) : null)
                : (Read: false, Value: null));
        });
        if (call is null)
        {
            recorded.Fail();
            return;
        }

        try
        {
            var (read, value) = await TimedWait.WaitAsync(call, ClientTimeout, clients.Time);
            if (read)
            {
                recorded.Complete(Ticks, value, false);
            }
            else
            {
                recorded.Fail();
            }
        }
        catch (Exception unanswered) when (unanswered is TimeoutException or ApiProblemException or NodeNotReadyException)
        {
            recorded.Fail();
        }
    }

    private string? Check()
    {
        var open = history.Open();
        foreach (var stillOpen in open)
        {
            stillOpen.GiveUp();
        }

        var result = LinearizabilityChecker.Check(history.ForChecker());
        if (result.Verdict == LinearizabilityVerdict.Violation)
        {
            return "not linearizable: " + result.Explanation;
        }

        var running = nodes.Values.Where(n => n.Core is not null).ToList();
        var states = running.Select(n => (n.Name, State: n.Core!.Read(m => m.Namespace(Namespace) is { } store ? (store.Revision, store.DigestAt()) : (0L, 0UL)))).ToList();
        if (states.Select(s => s.State).Distinct().Count() != 1)
        {
            return "the replicas did not converge after healing: " + string.Join(", ", states.Select(s => $"{s.Name} at revision {s.State.Item1} digest {s.State.Item2:x}"));
        }

        var store = running[0].Core!.Read(m => m.Namespace(Namespace));
        if (store is null)
        {
            return "the namespace was never created";
        }

        foreach (var (value, revision) in replays)
        {
            var held = running[0].Core!.Read(m => m.Namespace(Namespace)!.ChangesAfter(revision - 1).Where(c => c.Revision == revision).Select(c => Encoding.UTF8.GetString(c.Current.Value.Span)).ToList());
            if (!held.Contains(value))
            {
                return $"a replayed put of {value} named revision {revision}, which holds [{string.Join(", ", held)}]";
            }
        }

        foreach (var key in Keys)
        {
            var twice = running[0].Core!.Read(m => m.Namespace(Namespace)!.History(key, int.MaxValue)
                .Where(c => c.Kind == ChangeKind.Put).GroupBy(c => Encoding.UTF8.GetString(c.Current.Value.Span)).Where(g => g.Count() > 1).Select(g => g.Key).ToList());
            if (twice.Count > 0)
            {
                return $"values applied twice to {key}: {string.Join(", ", twice)}";
            }
        }

        return result.Verdict == LinearizabilityVerdict.Unknown ? "the linearizability check ran out of budget: " + result.Explanation : null;
    }
}
