using Platform.Testing.Simulation;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>One simulated replica: the core, its disk, its state machine, its clock, and its pending client requests.</summary>
public sealed class SimNode(ulong id, DriftingClock clock)
{
    public ulong Id { get; } = id;

    public DriftingClock Clock { get; } = clock;

    public SimDisk Disk { get; } = new();

    /// <summary>The running replica, or null while crashed.</summary>
    public RaftNode? Raft { get; set; }

    public KvStateMachine StateMachine { get; set; } = new();

    public bool Paused { get; set; }

    /// <summary>The next Ready this replica persists is torn by a crash.</summary>
    public bool CrashDuringNextPersist { get; set; }

    /// <summary>Inputs that arrived while paused, processed in order when the node wakes.</summary>
    public Queue<Action> Backlog { get; } = new();

    /// <summary>Writes this replica accepted as leader: operation id to (log index, client operation).</summary>
    public Dictionary<long, (long Index, RecordedOperation Operation)> PendingWrites { get; } = [];

    /// <summary>Reads waiting for their read state: request id to (key, client operation).</summary>
    public Dictionary<long, (string Key, RecordedOperation Operation)> PendingReads { get; } = [];

    /// <summary>Reads with a read point, waiting until the state machine has applied it.</summary>
    public List<(long Index, string Key, RecordedOperation Operation)> ReadsAwaitingApply { get; } = [];

    public long LastCommitSeen { get; set; }

    public long LastSnapshotIndex { get; set; }

    public bool IsUp => Raft is not null;

    public void ForgetVolatileState()
    {
        Raft = null;
        StateMachine = new KvStateMachine();
        Backlog.Clear();
        PendingWrites.Clear();
        PendingReads.Clear();
        ReadsAwaitingApply.Clear();
        LastCommitSeen = 0;
        LastSnapshotIndex = 0;
        Paused = false;
        CrashDuringNextPersist = false;
    }
}
