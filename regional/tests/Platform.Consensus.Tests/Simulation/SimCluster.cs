using Platform.Consensus.Membership;
using Platform.Consensus.Messages;
using Platform.Testing.Simulation;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>
/// A deterministic simulation of one Raft group: replicas, disks, network, clocks, clients and
/// faults, all driven from one seed by a single event queue. <see cref="Run"/> runs a safety phase
/// (faults on, invariants checked at every step), then a liveness phase (faults healed; a leader
/// must emerge and commit a barrier on every member within a bound), then checks the clients'
/// history for linearizability.
/// </summary>
public sealed partial class SimCluster
{
    private readonly SimulationOptions options;
    private readonly SimRandom random;
    private readonly SimRandom faultRandom;
    private readonly SimRandom clientRandom;
    private readonly PriorityQueue<Action, (TimeSpan At, long Sequence)> events = new();
    private readonly List<SimNode> nodes = [];
    private readonly SimNetwork network;
    private readonly ConfState initialConf;
    private long sequence;
    private bool faultsOn = true;
    private long nextOperationId;
    private long nextReadId;
    private long eventsRun;

    /// <summary>A run that needs more events than this is a livelock (a message storm): it fails its seed rather than hang the suite.</summary>
    private const long MaxEvents = 2_000_000;

    public SimCluster(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        random = new SimRandom(options.Seed);
        faultRandom = random.Fork();
        clientRandom = random.Fork();
        network = new SimNetwork(random.Fork())
        {
            DropRate = options.DropRate,
            DuplicateRate = options.DuplicateRate,
            MaxDelay = options.MaxNetworkDelay,
        };

        // One spare replica beyond the voters, for membership changes (added as learner, promoted, removed).
        var voterIds = Enumerable.Range(1, options.Voters).Select(i => (ulong)i).ToList();
        initialConf = new ConfState(voterIds, []);
        for (ulong id = 1; id <= (ulong)options.Voters + 1; id++)
        {
            nodes.Add(new SimNode(id, new DriftingClock(random.Fork(), options.ClockRateErrorBound, TimeSpan.Zero)));
        }
    }

    public TimeSpan Now { get; private set; }

    public SafetyMonitor Monitor { get; } = new();

    public SimulationTrace Trace { get; } = new(600);

    public ClientHistory History { get; } = new();

    public SimulationReport Run()
    {
        foreach (var node in nodes)
        {
            Start(node);
        }

        for (var client = 0; client < options.Clients; client++)
        {
            var id = client;
            Schedule(clientRandom.Between(TimeSpan.Zero, TimeSpan.FromMilliseconds(100)), () => IssueNext(new SimClient(id)));
        }

        ScheduleNextFault();
        RunUntil(options.SafetyPhase);

        faultsOn = false;
        HealEverything();
        var converged = RunLivenessPhase();
        foreach (var operation in History.Open())
        {
            operation.GiveUp();
        }

        return new SimulationReport(options, converged, Monitor.LeadersElected, History.Count, History.Completed, Now);
    }

    private void Schedule(TimeSpan delay, Action action) => events.Enqueue(action, (Now + delay, sequence++));

    private void RunUntil(TimeSpan until)
    {
        while (events.TryPeek(out _, out var at) && at.At <= until)
        {
            var action = events.Dequeue();
            if (++eventsRun > MaxEvents)
            {
                throw new SimulationFailureException($"runaway: more than {MaxEvents} events ({events.Count} queued) by {Now.TotalMilliseconds:F0}ms");
            }

            Now = at.At;
            action();
        }

        Now = until;
    }

    private SimNode Node(ulong id) => nodes[(int)id - 1];

    private SimRandom ElectionRandom(SimNode node) => new SimRandom((int)(options.Seed * 31 + (long)node.Id * 7919 + sequence));

    private RaftOptions RaftOptionsFor(ulong id) => new()
    {
        Id = id,
        MinElectionTimeout = options.MinElectionTimeout,
        HeartbeatInterval = options.HeartbeatInterval,
        ClockRateErrorBound = options.ClockRateErrorBound,
        MaxInflightMessages = 8,
        MaxMessageBytes = options.MaxMessageBytes,
        ShareMatches = options.ShareMatches,
    };

    private void Start(SimNode node)
    {
        var bootstrap = node.Id <= (ulong)options.Voters ? initialConf : ConfState.Empty;
        var restore = node.Disk.Load(bootstrap);
        node.Raft = new RaftNode(RaftOptionsFor(node.Id), restore, node.Clock.Read(Now), ElectionRandom(node));
        if (restore.Snapshot is { } snapshot)
        {
            node.StateMachine.Restore(snapshot);
            node.LastSnapshotIndex = snapshot.Metadata.Index;
        }

        node.LastCommitSeen = node.Raft.CommitIndex;
        Trace.Note(Now, node.Id, $"start term={restore.HardState.Term} vote={restore.HardState.Vote} commit={restore.HardState.Commit} entries={restore.Entries.Count} snapshot={restore.Snapshot?.Metadata.Index}");
        var raft = node.Raft;
        ScheduleTick(node, raft);
        Process(node);
    }

    private void ScheduleTick(SimNode node, RaftNode incarnation)
    {
        var jitter = TimeSpan.FromTicks(options.TickInterval.Ticks / 2);
        Schedule(options.TickInterval - jitter + random.Between(TimeSpan.Zero, jitter * 2), () =>
        {
            if (node.Raft != incarnation)
            {
                return;
            }

            if (!node.Paused)
            {
                incarnation.Tick(node.Clock.Read(Now));
                Process(node);
                CheckQuorumStepDown(node);
            }

            ScheduleTick(node, incarnation);
        });
    }

    /// <summary>Runs an input on a live replica: queued while it is paused, lost while it is down.</summary>
    private void Input(SimNode node, Action<RaftNode> input)
    {
        if (node.Raft is not { } raft)
        {
            return;
        }

        if (node.Paused)
        {
            node.Backlog.Enqueue(() => Input(node, input));
            return;
        }

        raft.Tick(node.Clock.Read(Now));
        input(raft);
        CheckLeaderCountsOnlyDurable(node, raft);
        Process(node);
    }

    private void SendMessage(Message message)
    {
        foreach (var delay in network.Route(message))
        {
            var target = Node(message.To);
            Schedule(delay, () =>
            {
                if (network.IsBlocked(message.From, message.To))
                {
                    return;
                }

                Trace.Message(Now, "recv", message);
                Input(target, raft =>
                {
                    OnDelivered(target, raft, message);
                    raft.Step(message);
                });
            });
        }
    }
}

public sealed record SimulationReport(SimulationOptions Options, bool Converged, int LeadersElected, int Operations, int CompletedOperations, TimeSpan SimulatedTime);
