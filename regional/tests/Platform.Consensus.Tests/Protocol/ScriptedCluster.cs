using System.Text;
using Platform.Consensus.Log;
using Platform.Consensus.Membership;
using Platform.Consensus.Messages;
using Platform.Consensus.Tests.Simulation;

namespace Platform.Consensus.Tests.Protocol;

/// <summary>
/// A hand-driven group for readable protocol tests (in the spirit of etcd's interaction tests):
/// the test decides when time passes, which messages arrive and which are lost, who crashes.
/// Every replica persists to a <see cref="SimDisk"/> and restarts from it.
/// </summary>
public sealed class ScriptedCluster
{
    private readonly Dictionary<ulong, Replica> replicas = [];
    private readonly List<Message> inFlight = [];
    private readonly HashSet<ulong> isolated = [];
    private readonly ConfState initialConf;
    private readonly Func<ulong, RaftOptions> optionsFor;
    private readonly Func<ulong, int> electionRank;

    public ScriptedCluster(int voters, Func<ulong, RaftOptions>? optionsFor = null, int spares = 0, Func<ulong, int>? electionRank = null)
    {
        this.optionsFor = optionsFor ?? DefaultOptions;
        this.electionRank = electionRank ?? (id => (int)id - 1);
        initialConf = new ConfState(Enumerable.Range(1, voters).Select(i => (ulong)i), []);
        for (ulong id = 1; id <= (ulong)(voters + spares); id++)
        {
            var replica = new Replica(id);
            replicas[id] = replica;
            Start(replica);
        }
    }

    public static TimeSpan MinElectionTimeout => TimeSpan.FromMilliseconds(1000);

    public TimeSpan Now { get; private set; }

    public IReadOnlyList<Message> InFlight => inFlight;

    public RaftNode this[ulong id] => replicas[id].Raft ?? throw new InvalidOperationException($"replica {id} is down");

    public bool IsUp(ulong id) => replicas[id].Raft is not null;

    public IReadOnlyList<Entry> Applied(ulong id) => replicas[id].Applied;

    public static RaftOptions DefaultOptions(ulong id) => new()
    {
        Id = id,
        MinElectionTimeout = MinElectionTimeout,
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        ClockRateErrorBound = 0.01,
    };

    /// <summary>
    /// Election timeouts by rank: rank r waits minElectionTimeout * (1 + r / 10), so by default
    /// replica 1 campaigns first; a test may rank them otherwise.
    /// </summary>
    private sealed class OrderedRandom(int rank) : IRandomSource
    {
        public long NextInt64(long maxExclusive) => Math.Min(maxExclusive - 1, maxExclusive * rank / 10);
    }

    private sealed class Replica(ulong id)
    {
        public ulong Id { get; } = id;

        public SimDisk Disk { get; } = new();

        public RaftNode? Raft { get; set; }

        public List<Entry> Applied { get; } = [];

        public bool Paused { get; set; }

        public List<ReadState> ReadStates { get; } = [];
    }

    private void Start(Replica replica)
    {
        var bootstrap = replica.Id <= (ulong)initialConf.Voters.Length ? initialConf : ConfState.Empty;
        var restore = replica.Disk.Load(bootstrap);
        replica.Applied.Clear();
        replica.Raft = new RaftNode(optionsFor(replica.Id), restore, Now, new OrderedRandom(electionRank(replica.Id)));
        Process(replica);
    }

    /// <summary>Lets time pass for every running replica, ticking each in steps of <paramref name="step"/>.</summary>
    public void Elapse(TimeSpan duration, TimeSpan? step = null, bool deliver = false, ulong[]? tickOnly = null, Func<Message, bool>? drop = null)
    {
        var stepSize = step ?? TimeSpan.FromMilliseconds(10);
        var end = Now + duration;
        while (Now < end)
        {
            Now = Now + stepSize > end ? end : Now + stepSize;
            foreach (var replica in replicas.Values.Where(r => r.Raft is not null && !r.Paused && (tickOnly is null || tickOnly.Contains(r.Id))))
            {
                replica.Raft!.Tick(Now);
                Process(replica);
            }

            if (deliver)
            {
                DeliverAll(drop);
            }
        }
    }

    /// <summary>Delivers messages (repeatedly, including the answers they cause) until none is left.</summary>
    public void Stabilize(Func<Message, bool>? drop = null)
    {
        for (var round = 0; round < 1000 && inFlight.Count > 0; round++)
        {
            DeliverAll(drop);
        }

        Assert.Empty(inFlight);
    }

    /// <summary>Delivers the messages in flight now (not those they cause); <paramref name="drop"/> loses some.</summary>
    public void DeliverAll(Func<Message, bool>? drop = null)
    {
        var batch = inFlight.ToList();
        inFlight.Clear();
        foreach (var message in batch)
        {
            if (drop?.Invoke(message) != true)
            {
                Deliver(message);
            }
        }
    }

    /// <summary>Delivers only the messages matching <paramref name="which"/>; the rest stay in flight.</summary>
    public void DeliverWhere(Func<Message, bool> which)
    {
        var batch = inFlight.Where(which).ToList();
        inFlight.RemoveAll(m => which(m));
        foreach (var message in batch)
        {
            Deliver(message);
        }
    }

    public void DropWhere(Func<Message, bool> which) => inFlight.RemoveAll(m => which(m));

    /// <summary>Messages that reached a running replica, by type.</summary>
    public Dictionary<MessageType, int> DeliveredCount { get; } = [];

    /// <summary>Every delivered message, for tests that want to read the exchange.</summary>
    public List<Message> DeliveredLog { get; } = [];

    private void Deliver(Message message)
    {
        var target = replicas[message.To];
        if (target.Raft is null || target.Paused || isolated.Contains(message.From) || isolated.Contains(message.To))
        {
            return;
        }

        DeliveredCount[message.Type] = DeliveredCount.GetValueOrDefault(message.Type) + 1;
        DeliveredLog.Add(message);

        target.Raft.Tick(Now);
        target.Raft.Step(message);
        Process(target);
    }

    public void Isolate(ulong id) => isolated.Add(id);

    public void Heal() => isolated.Clear();

    public void Pause(ulong id) => replicas[id].Paused = true;

    public void Resume(ulong id)
    {
        replicas[id].Paused = false;
        replicas[id].Raft!.Tick(Now);
        Process(replicas[id]);
    }

    public void Crash(ulong id)
    {
        replicas[id].Raft = null;
        inFlight.RemoveAll(m => m.From == id);
    }

    public void Restart(ulong id) => Start(replicas[id]);

    /// <summary>Proposes a text command at <paramref name="id"/> and processes its Ready.</summary>
    public ProposeResult Propose(ulong id, string text)
    {
        var result = this[id].Propose(Encoding.UTF8.GetBytes(text));
        Process(replicas[id]);
        return result;
    }

    public ProposeResult ProposeConfChange(ulong id, ConfChange change)
    {
        var result = this[id].ProposeConfChange(change);
        Process(replicas[id]);
        return result;
    }

    public List<ReadState> ReadStates(ulong id) => replicas[id].ReadStates;

    public void Act(ulong id, Action<RaftNode> action)
    {
        action(this[id]);
        Process(replicas[id]);
    }

    /// <summary>Makes <paramref name="id"/> the leader: lets its (shortest) election timeout pass and delivers everything.</summary>
    public void Elect(ulong id)
    {
        for (var attempt = 0; attempt < 50 && this[id].Role != Role.Leader; attempt++)
        {
            Elapse(TimeSpan.FromMilliseconds(100), deliver: true);
        }

        Stabilize();
        Assert.Equal(Role.Leader, this[id].Role);
    }

    public static string Text(Entry entry) => Encoding.UTF8.GetString(entry.Data.Span);

    private void Process(Replica replica)
    {
        while (replica.Raft is { } raft && raft.HasReady)
        {
            var ready = raft.GetReady();
            replica.Disk.Persist(ready);
            inFlight.AddRange(ready.Messages);
            if (ready.Snapshot is { } snapshot)
            {
                replica.Applied.Clear();
                replica.Applied.Add(new Entry(snapshot.Metadata.Index, snapshot.Metadata.Term, EntryType.Normal, snapshot.Data));
            }

            replica.Applied.AddRange(ready.CommittedEntries);
            replica.ReadStates.AddRange(ready.ReadStates);
            raft.Advance(ready);
        }
    }
}
