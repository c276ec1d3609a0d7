using Platform.Consensus.Log;
using Platform.Consensus.Membership;
using Platform.Consensus.Messages;
using Platform.Consensus.Tracking;

namespace Platform.Consensus;

/// <summary>
/// One Raft replica as a pure state machine (in the style of etcd's raft package): inputs are
/// <see cref="Step"/>, <see cref="Tick"/> and the requests (propose, read, transfer, membership,
/// snapshot); outputs come out of <see cref="GetReady"/>. It does no I/O, starts no thread and
/// reads no clock: time arrives through <see cref="Tick"/> and randomness through the injected
/// <see cref="IRandomSource"/>, so a simulation replays any run from its seed.
/// </summary>
/// <remarks>
/// Role behaviour is swapped as functions (<c>stepRole</c>, <c>tickRole</c>) on every role change
/// rather than tested as flags. The files <c>RaftNode.*.cs</c> hold one concern each.
/// </remarks>
public sealed partial class RaftNode
{
    /// <summary>Message context that marks a campaign started by leadership transfer.</summary>
    internal const long TransferCampaign = 1;

    private readonly RaftOptions options;
    private readonly IRandomSource random;
    private readonly RaftLog log;
    private readonly Dictionary<ulong, Progress> progress = [];
    private readonly Dictionary<ulong, bool> votes = [];
    private List<Message> outbox = [];

    private Action<Message> stepRole;
    private Action tickRole;

    private ConfState conf;
    private long confIndex;
    private Snapshot? latestSnapshot;
    private Snapshot? snapshotToPersist;

    private TimeSpan now;
    private TimeSpan electionDeadline;
    private TimeSpan heartbeatDue;
    private TimeSpan checkQuorumDue;
    private TimeSpan lastLeaderContact;
    private readonly TimeSpan noVoteUntil;

    private ulong transferTarget;
    private TimeSpan transferDeadline;
    private long pendingConfIndex;

    // Set when the leader has new entries or a new commit index to send; sent at the next Ready so
    // that every proposal since the last Ready shares one append message per follower (batching).
    private bool appendPending;
    private bool commitPending;

    private HardState lastHardState;
    private SoftState lastSoftState;
    private bool readyOutstanding;

    public RaftNode(RaftOptions options, RaftRestoreState restore, TimeSpan now, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(restore);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        this.options = options;
        this.random = random;
        this.now = now;

        var snapshot = restore.Snapshot;
        log = new RaftLog(snapshot?.Metadata.Index ?? 0, snapshot?.Metadata.Term ?? 0);
        latestSnapshot = snapshot;
        conf = snapshot?.Metadata.ConfState ?? restore.InitialConf;
        confIndex = snapshot?.Metadata.Index ?? 0;
        log.LoadDurable(restore.Entries, restore.HardState.Commit);

        // The configuration in force is the last committed one; applying it now (not when the
        // entries are replayed) keeps a restarted replica from counting votes in an old one.
        for (var index = log.FirstIndex; index <= log.Committed; index++)
        {
            var entry = log.At(index);
            if (entry.Type == EntryType.Configuration)
            {
                conf = ConfStateCodec.Decode(entry.Data.Span);
                confIndex = index;
            }
        }

        Term = restore.HardState.Term;
        Vote = restore.HardState.Vote;
        lastHardState = new HardState(Term, Vote, log.Committed);

        // A replica may have acknowledged a leader's heartbeat just before it restarted; granting
        // no vote for one election timeout keeps that leader's lease sound (docs/architecture.md, Consensus core).
        noVoteUntil = now + options.MinElectionTimeout;
        stepRole = StepFollower;
        tickRole = TickElection;
        BecomeFollower(Term, ReplicaId.None);
        lastSoftState = new SoftState(Leader, Role);
        InitializeReads();
    }

    public ulong Id => options.Id;

    public long Term { get; private set; }

    public ulong Vote { get; private set; }

    public ulong Leader { get; private set; }

    public Role Role { get; private set; }

    public ConfState Configuration => conf;

    public long CommitIndex => log.Committed;

    public long AppliedIndex => log.Applied;

    public long LastIndex => log.LastIndex;

    public long FirstIndex => log.FirstIndex;

    public TimeSpan Now => now;

    public Snapshot? LatestSnapshot => latestSnapshot;

    /// <summary>A replica that may campaign: a voter of the configuration in force.</summary>
    private bool IsPromotable => conf.IsVoter(Id);

    /// <summary>Advances time. <paramref name="now"/> comes from the caller's monotonic clock and never goes back.</summary>
    public void Tick(TimeSpan now)
    {
        Invariant.Require(now >= this.now, "time went backwards");
        this.now = now;
        tickRole();
    }

    /// <summary>Proposes a command. Only the leader accepts; others answer with a leader hint.</summary>
    public ProposeResult Propose(ReadOnlyMemory<byte> data)
    {
        var refusal = RefuseProposal();
        if (refusal is { } refused)
        {
            return refused;
        }

        var entry = Entry.Normal(log.LastIndex + 1, Term, data);
        log.Append(entry);
        appendPending = true;
        return new ProposeResult(ProposeOutcome.Accepted, entry.Index, entry.Term, Id);
    }

    private ProposeResult? RefuseProposal()
    {
        if (Role != Role.Leader)
        {
            return new ProposeResult(ProposeOutcome.NotLeader, 0, Term, Leader);
        }

        if (transferTarget != ReplicaId.None)
        {
            return new ProposeResult(ProposeOutcome.TransferInProgress, 0, Term, transferTarget);
        }

        if (log.LastIndex - log.Committed >= options.MaxUncommittedEntries)
        {
            return new ProposeResult(ProposeOutcome.Overloaded, 0, Term, Id);
        }

        return null;
    }

    /// <summary>Records the state machine's snapshot at the applied index; the log before it may then be compacted.</summary>
    public void CreateSnapshot(long index, ReadOnlyMemory<byte> data)
    {
        Invariant.Require(!readyOutstanding, "snapshots are taken between Advance and the next Ready");
        Invariant.Require(index == log.Applied && log.Applying == log.Applied, "a snapshot is taken at the applied index");
        Invariant.Require(latestSnapshot is null || index > latestSnapshot.Metadata.Index, "snapshots only move forward");
        latestSnapshot = new Snapshot(new SnapshotMetadata(index, log.TermOrZero(index), conf), data);
    }

    /// <summary>Drops log entries through <paramref name="index"/>, which the latest snapshot must cover.</summary>
    public void CompactLog(long index)
    {
        Invariant.Require(latestSnapshot is not null && index <= latestSnapshot.Metadata.Index, "compaction must not pass the latest snapshot");
        log.CompactTo(index);
    }

    private TimeSpan RandomElectionTimeout() =>
        options.MinElectionTimeout + TimeSpan.FromTicks(random.NextInt64(options.MinElectionTimeout.Ticks));

    private void ResetElectionTimer() => electionDeadline = now + RandomElectionTimeout();

    private void Send(Message message) => outbox.Add(message);
}
