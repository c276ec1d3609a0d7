using Platform.Regional.Namespaces;
using Platform.Regional.Security;
using Platform.Storage.Mvcc;

namespace Platform.Regional.StateMachine;

/// <summary>What one entry of a regional group's log asks of the group's state machine.</summary>
public abstract record GroupCommand;

/// <summary>
/// A change to one namespace's key-value state. With an <paramref name="IdempotencyKey"/>, a second
/// command with the same key returns the first one's outcome and changes nothing. The leader's
/// wall-clock time (<paramref name="ProposedAtMs"/>, Unix milliseconds, carried in the entry so every
/// replica sees the same value) is the commit time kept with the revision; the leader's ageing
/// stamp (<paramref name="AgeingStampMs"/>, the group's ageing clock, see
/// <see cref="GroupStateMachine.AgeingClockMs"/>; null: the clock does not move) ages the remembered
/// outcomes out after a day. With an <paramref name="Epoch"/> (the catalog's, as the proposer saw it),
/// the command applies only while the namespace here is in that epoch: a write routed by a stale
/// view of the catalog is refused (FencedEpoch), never applied under another home's epoch.
/// Changes shipped to a copy carry the home's idempotency entries of those revisions in
/// <paramref name="Outcomes"/>.
/// </summary>
public sealed record NamespaceCommand(
    string Namespace, MvccCommand Command, string? IdempotencyKey = null, long ProposedAtMs = 0, long? Epoch = null, IReadOnlyList<RememberedOutcome>? Outcomes = null,
    long? AgeingStampMs = null) : GroupCommand;

/// <summary>
/// Creates a namespace's data in this group, or changes the settings of an existing one. With an
/// <paramref name="Epoch"/> (the catalog's), the namespace's revisions start in that epoch, and data
/// of an older epoch left under the name (a namespace deleted and created again) is replaced.
/// With <paramref name="Copy"/>, the data is a copy of a namespace homed in another region: it takes
/// only changes shipped from the home (<see cref="ReplicateCommand"/>), never a client's write.
/// </summary>
public sealed record CreateNamespaceCommand(string Namespace, NamespaceSettings? Settings = null, long Epoch = 0, bool Copy = false) : GroupCommand;

/// <summary>
/// Replaces a copy's state with a snapshot of the home's (the home compacted past what the copy has,
/// or digests showed the copy diverged). Without <paramref name="Replace"/>, a snapshot no newer
/// than the copy changes nothing.
/// </summary>
public sealed record InstallNamespaceSnapshotCommand(string Namespace, NamespaceSettings Settings, ReadOnlyMemory<byte> Snapshot, bool Replace = false) : GroupCommand;

/// <summary>
/// Removes a namespace and all its state from this group. With an <paramref name="Epoch"/> (the
/// catalog's epoch of the incarnation deleted), data of a later incarnation (the name created
/// again before this delete reached the group) is left alone.
/// </summary>
public sealed record DeleteNamespaceCommand(string Namespace, long Epoch = long.MaxValue) : GroupCommand;

/// <summary>Stores a token (its hash only) with its grants; a token of the same name is replaced.</summary>
public sealed record PutTokenCommand(string Name, string Hash, IReadOnlyList<Grant> Grants) : GroupCommand;

/// <summary>Revokes a token by name.</summary>
public sealed record RevokeTokenCommand(string Name) : GroupCommand;

/// <summary>Catalog: creates a namespace's entry (<paramref name="ExpectedVersion"/> 0) or changes its settings, compare-and-swap on the entry's version.</summary>
public sealed record PutCatalogEntryCommand(string Namespace, NamespaceSettings Settings, ulong Group, long ExpectedVersion) : GroupCommand;

/// <summary>Catalog: removes a namespace's entry, compare-and-swap on its version.</summary>
public sealed record DeleteCatalogEntryCommand(string Namespace, long ExpectedVersion) : GroupCommand;

/// <summary>
/// Fences a namespace through <paramref name="Epoch"/>: from this entry on the group refuses every
/// write and every shipped change of that epoch or an earlier one (FencedEpoch). At the home it is
/// the switchover's freeze (the revision it applies at is the drain target); at a copy, the stop of
/// an unplanned failover (the copy's revision stays put while the most advanced region is chosen).
/// Its outcome carries the namespace's revision at that point.
/// </summary>
/// <remarks>
/// <paramref name="MoveVersion"/> is the catalog version of the move's record (its revoke): a region
/// lifts the fence only on a catalog view newer than that, where the move that fenced it has ended,
/// never on a stale view in which an earlier move looks aborted (-1: unknown).
/// </remarks>
public sealed record FenceNamespaceCommand(string Namespace, long Epoch, long MoveVersion = -1) : GroupCommand;

/// <summary>Lifts a fence through <paramref name="Epoch"/> (a switchover that was aborted: the old home takes writes again).</summary>
public sealed record UnfenceNamespaceCommand(string Namespace, long Epoch) : GroupCommand;

/// <summary>Makes this group's copy of a namespace its home from <paramref name="Epoch"/> on: it takes clients' writes, numbered in that epoch.</summary>
public sealed record PromoteCopyCommand(string Namespace, NamespaceSettings Settings, long Epoch) : GroupCommand;

/// <summary>Makes the namespace's data in this group a copy (its home moved to another region): from now on it takes only shipped changes.</summary>
public sealed record DemoteToCopyCommand(string Namespace, NamespaceSettings Settings) : GroupCommand;

/// <summary>Catalog: revokes the home's lease on a namespace and records the region it moves to, and by which kind of move (compare-and-swap on the entry's version).</summary>
public sealed record BeginMoveCommand(string Namespace, string Target, long ExpectedVersion, Catalog.MoveKind Kind = Catalog.MoveKind.Planned) : GroupCommand;

/// <summary>Catalog: ends a move, homing the namespace in <paramref name="NewHome"/> in the next epoch (null: the move is aborted), compare-and-swap.</summary>
public sealed record EndMoveCommand(string Namespace, string? NewHome, long? ForkRevision, long ExpectedVersion) : GroupCommand;

/// <summary>Catalog: ends a mode change, the namespace taking <paramref name="Settings"/> in <paramref name="Group"/> from the next epoch on (compare-and-swap).</summary>
public sealed record ChangeModeCommand(string Namespace, NamespaceSettings Settings, ulong Group, long ExpectedVersion) : GroupCommand;

/// <summary>Catalog: adds writes found past a fork point to the namespace's divergent-writes archive (kept once each).</summary>
public sealed record ArchiveDivergentCommand(string Namespace, IReadOnlyList<Catalog.DivergentWrite> Writes) : GroupCommand;

/// <summary>Drops from a namespace's pending divergent writes in this group those the catalog's archive now holds (by revision and key).</summary>
public sealed record ForgetDivergentCommand(string Namespace, IReadOnlyList<(long Revision, string Key)> Writes) : GroupCommand;

/// <summary>
/// Notes that the home answered a committed write <c>OutcomeUnknown</c> (its lease ran out before
/// it could acknowledge): should the revision end up past a fork point, the archive says so.
/// </summary>
public sealed record NoteUnacknowledgedCommand(string Namespace, long Revision) : GroupCommand;

/// <summary>Catalog: stores a drill's report (JSON) under its id, so every region shows it.</summary>
public sealed record PutDrillReportCommand(string Id, ReadOnlyMemory<byte> Report) : GroupCommand;
