using Platform.Consensus.Log;
using Platform.Regional.Catalog;
using Platform.Regional.Namespaces;
using Platform.Regional.Security;
using Platform.Storage.Mvcc;

namespace Platform.Regional.StateMachine;

/// <summary>A token as the group keeps it: the hash, never the token.</summary>
public sealed record StoredToken(string Name, string Hash, IReadOnlyList<Grant> Grants);

/// <summary>
/// The state machine of one group: the namespaces whose data it holds (each an MVCC store with its
/// settings and idempotency keys) and, in the group that keeps the catalog (the strong-global
/// catalog group, or group 0 of a region on its own), the catalog's entries and the tokens.
/// Entries are applied in log order; no-ops and configuration entries only move the applied index.
/// </summary>
public sealed partial class GroupStateMachine
{
    private readonly SortedDictionary<string, NamespaceState> namespaces = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, StoredToken> tokens = new(StringComparer.Ordinal);

    /// <summary>The last epoch of each deleted namespace: a namespace created again under that name starts a later one, so no revision is handed out twice.</summary>
    private readonly SortedDictionary<string, long> retiredEpochs = new(StringComparer.Ordinal);
    private readonly MvccLimits limits;

    public GroupStateMachine(MvccLimits? limits = null)
    {
        this.limits = limits ?? MvccLimits.Default;
    }

    /// <summary>
    /// One namespace: its settings, key-value state and remembered idempotency keys; a copy (of a
    /// namespace homed in another region) takes only shipped changes.
    /// </summary>
    public sealed class NamespaceState(NamespaceSettings settings, NamespaceStore store, IdempotencyTable idempotency, bool isCopy = false)
    {
        public NamespaceSettings Settings { get; set; } = settings;

        public NamespaceStore Store { get; set; } = store;

        public IdempotencyTable Idempotency { get; } = idempotency;

        public bool IsCopy { get; set; } = isCopy;

        /// <summary>Writes and shipped changes of this epoch or earlier are refused (-1: none): a freeze at the home, a stop at a copy.</summary>
        public long FencedThrough { get; set; } = -1;

        /// <summary>The catalog version of the move that set the fence (-1: unknown): only a newer catalog view lifts it.</summary>
        public long FencedAtVersion { get; set; } = -1;

        /// <summary>Changes this group dropped past a fork point, until the catalog's archive holds them (the replicator delivers them).</summary>
        public List<DivergentWrite> PendingDivergent { get; } = [];

        /// <summary>Revisions the home committed but answered <c>OutcomeUnknown</c> (its lease had run out), the most recent <see cref="MaxUnacknowledged"/>.</summary>
        public SortedSet<long> Unacknowledged { get; } = [];
    }

    /// <summary>How many unacknowledged revisions a namespace remembers (the oldest are forgotten first).</summary>
    public const int MaxUnacknowledged = 10_000;

    public long AppliedIndex { get; private set; }

    /// <summary>
    /// The group's ageing clock (ms), by which idempotency outcomes age out: the largest ageing stamp
    /// applied (<see cref="NamespaceCommand.AgeingStampMs"/>). A leader stamps each entry with this
    /// clock as it found it applied once everything before its term was, plus the time elapsed
    /// since on its own boot clock; so the clock advances only by time some leader measured, never
    /// by a wall clock, and a change of leader can only lose time (outcomes are kept longer), never
    /// gain it. Every replica reads the same stamps from the log, so all expire the same keys.
    /// </summary>
    public long AgeingClockMs { get; private set; }

    public IReadOnlyCollection<string> Namespaces => namespaces.Keys;

    public IReadOnlyCollection<StoredToken> Tokens => tokens.Values;

    /// <summary>The catalog's entries, when this group keeps the catalog (empty otherwise).</summary>
    public CatalogTable Catalog { get; private set; } = new();

    public NamespaceStore? Namespace(string name) => namespaces.GetValueOrDefault(name)?.Store;

    public NamespaceState? State(string name) => namespaces.GetValueOrDefault(name);

    public GroupApplyOutcome Apply(Entry entry)
    {
        if (entry.Index <= AppliedIndex)
        {
            return new GroupApplyOutcome(entry.Index, null, "already applied");
        }

        if (entry.Index != AppliedIndex + 1)
        {
            throw new InvalidOperationException($"entry {entry.Index} applied after {AppliedIndex}: the state machine skipped entries");
        }

        AppliedIndex = entry.Index;
        if (entry.Type != EntryType.Normal || entry.Data.IsEmpty)
        {
            return new GroupApplyOutcome(entry.Index, null);
        }

        GroupCommand command;
        try
        {
            command = GroupCommandCodec.Decode(entry.Data);
        }
        catch (InvalidDataException bad)
        {
            // Every replica refuses the same bytes the same way: deterministic, and nothing changes.
            return new GroupApplyOutcome(entry.Index, null, bad.Message);
        }

        if (command is NamespaceCommand { AgeingStampMs: { } stamp })
        {
            AgeingClockMs = Math.Max(AgeingClockMs, stamp);
        }

        return command switch
        {
            CreateNamespaceCommand create => Create(entry.Index, create),
            InstallNamespaceSnapshotCommand install => Install(entry.Index, install),
            FenceNamespaceCommand fence => WithState(entry.Index, fence.Namespace, state =>
            {
                state.FencedThrough = Math.Max(state.FencedThrough, fence.Epoch);
                state.FencedAtVersion = Math.Max(state.FencedAtVersion, fence.MoveVersion);
                return Noted(entry.Index, state);
            }),
            UnfenceNamespaceCommand unfence => WithState(entry.Index, unfence.Namespace, state =>
            {
                if (state.FencedThrough <= unfence.Epoch)
                {
                    state.FencedThrough = -1;
                    state.FencedAtVersion = -1;
                }

                return Noted(entry.Index, state);
            }),
            PromoteCopyCommand promote => WithState(entry.Index, promote.Namespace, state => Promote(entry.Index, state, promote)),
            DemoteToCopyCommand demote => WithState(entry.Index, demote.Namespace, state =>
            {
                state.IsCopy = true;
                state.Settings = demote.Settings;
                return Noted(entry.Index, state);
            }),
            DeleteNamespaceCommand delete when State(delete.Namespace) is { } doomed && doomed.Store.Epoch > delete.Epoch =>
                new GroupApplyOutcome(entry.Index, null, $"namespace '{delete.Namespace}' was created again (epoch {doomed.Store.Epoch}) after the delete of epoch {delete.Epoch}"),
            DeleteNamespaceCommand delete => Delete(entry.Index, delete.Namespace),
            PutTokenCommand token => PutToken(entry.Index, token),
            PutCatalogEntryCommand put => new GroupApplyOutcome(entry.Index, null, Catalog.Put(entry.Index, put.Namespace, put.Settings, put.Group, put.ExpectedVersion)),
            DeleteCatalogEntryCommand delete => new GroupApplyOutcome(entry.Index, null, Catalog.Delete(delete.Namespace, delete.ExpectedVersion)),
            BeginMoveCommand move => new GroupApplyOutcome(entry.Index, null, Catalog.BeginMove(entry.Index, move.Namespace, move.Target, move.ExpectedVersion, move.Kind)),
            EndMoveCommand end => new GroupApplyOutcome(entry.Index, null, Catalog.EndMove(entry.Index, end.Namespace, end.NewHome, end.ForkRevision, end.ExpectedVersion)),
            ArchiveDivergentCommand archive => new GroupApplyOutcome(entry.Index, null, Catalog.ArchiveDivergent(archive.Namespace, archive.Writes)),
            ForgetDivergentCommand forget => WithState(entry.Index, forget.Namespace, state =>
            {
                var delivered = forget.Writes.ToHashSet();
                state.PendingDivergent.RemoveAll(w => delivered.Contains(w.Identity));
                return Noted(entry.Index, state);
            }),
            NoteUnacknowledgedCommand note => WithState(entry.Index, note.Namespace, state =>
            {
                state.Unacknowledged.Add(note.Revision);
                if (state.Unacknowledged.Count > MaxUnacknowledged)
                {
                    state.Unacknowledged.Remove(state.Unacknowledged.Min);
                }

                return Noted(entry.Index, state);
            }),
            PutDrillReportCommand drill => PutDrill(entry.Index, drill),
            ChangeModeCommand change => new GroupApplyOutcome(entry.Index, null, Catalog.ChangeMode(entry.Index, change.Namespace, change.Settings, change.Group, change.ExpectedVersion)),
            RevokeTokenCommand revoke => new GroupApplyOutcome(entry.Index, null, tokens.Remove(revoke.Name) ? null : $"token '{revoke.Name}' does not exist"),
            NamespaceCommand scoped when namespaces.TryGetValue(scoped.Namespace, out var state) => ApplyScoped(entry.Index, state, scoped, AgeingClockMs),
            NamespaceCommand scoped => new GroupApplyOutcome(entry.Index, null, $"namespace '{scoped.Namespace}' does not exist"),
            _ => new GroupApplyOutcome(entry.Index, null, $"unknown command {command.GetType().Name}"),
        };
    }

    private static GroupApplyOutcome ApplyScoped(long index, NamespaceState state, NamespaceCommand scoped, long ageingNowMs)
    {
        var shipped = scoped.Command is ReplicateCommand or TruncateCommand;
        if (shipped != state.IsCopy && scoped.Command is not (CompactCommand or BeginEpochCommand))
        {
            // The home takes clients' writes and a copy only what the home shipped: a write routed
            // here by a stale catalog view, or a replicator behind a change of home, changes nothing.
            return Fenced(index, state, state.IsCopy
                ? $"this region holds a copy of namespace '{scoped.Namespace}' (home {state.Settings.HomeRegion}); it takes no writes"
                : $"namespace '{scoped.Namespace}' is homed here; it takes no shipped changes");
        }

        if (scoped.IdempotencyKey is { } key && state.Idempotency.Find(key) is { } first)
        {
            return new GroupApplyOutcome(index, first);
        }

        if (FencedOut(state, scoped) is { } fenced)
        {
            return Fenced(index, state, fenced);
        }

        if (scoped.Epoch is { } epoch && epoch != state.Store.Epoch)
        {
            return Fenced(index, state, $"the write was made under epoch {epoch} of namespace '{scoped.Namespace}', which is in epoch {state.Store.Epoch} here");
        }

        var dropped = scoped.Command is TruncateCommand truncate ? DroppedBy(state, truncate) : null;
        var outcome = WriteOutcome.From(state.Store.Apply(index, scoped.Command, scoped.ProposedAtMs));
        if (dropped is { } suffix && outcome.Error is null && state.Store.Revision < suffix.Before)
        {
            // Nothing past a fork is dropped silently: it waits here until the catalog's archive has it.
            state.PendingDivergent.AddRange(suffix.Writes);

            // Nor is it replayed: a retry must never hear of a write that is not in the data.
            state.Idempotency.ForgetPast(state.Store.Revision);
        }

        if (scoped.Outcomes is { } shippedOutcomes && outcome.Error is null)
        {
            // The home's idempotency keys travel with its changes: a retry at a later home gets the first outcome.
            state.Idempotency.RememberShipped(shippedOutcomes, ageingNowMs);
        }

        if (scoped.IdempotencyKey is { } remembered)
        {
            state.Idempotency.Remember(remembered, outcome, ageingNowMs, state.Store.Revision);
        }

        return new GroupApplyOutcome(index, outcome);
    }

    /// <summary>What a truncation would drop, read before it applies: every change past its revision, with its commit time.</summary>
    private static (long Before, List<DivergentWrite> Writes)? DroppedBy(NamespaceState state, TruncateCommand truncate)
    {
        var store = state.Store;
        if (truncate.Revision >= store.Revision || truncate.Revision < store.CompactRevision)
        {
            return null;
        }

        var writes = store.ChangesAfter(truncate.Revision)
            .Select(c => new DivergentWrite(c.Current.Key, c.Current.Value, c.Current.ContentType, c.Kind == ChangeKind.Delete, c.Revision,
                store.CommittedAt(c.Revision), !state.Unacknowledged.Contains(c.Revision)))
            .ToList();
        return (store.Revision, writes);
    }

    /// <summary>Why a fenced namespace refuses this command (a write or shipped changes of a fenced epoch), or null.</summary>
    private static string? FencedOut(NamespaceState state, NamespaceCommand scoped)
    {
        if (state.FencedThrough < 0)
        {
            return null;
        }

        return scoped.Command switch
        {
            ReplicateCommand replicate when replicate.Revisions.Any(r => r.Revision > state.Store.Revision && Revisions.Epoch(r.Revision) <= state.FencedThrough) =>
                $"namespace '{scoped.Namespace}' is fenced through epoch {state.FencedThrough} here; it takes no more changes of that epoch",
            PutCommand or DeleteCommand or TxnCommand when (scoped.Epoch ?? state.Store.Epoch) <= state.FencedThrough =>
                $"namespace '{scoped.Namespace}' is frozen through epoch {state.FencedThrough} (its home is moving)",
            _ => null,
        };
    }

    private GroupApplyOutcome WithState(long index, string ns, Func<NamespaceState, GroupApplyOutcome> act) =>
        namespaces.TryGetValue(ns, out var state) ? act(state) : new GroupApplyOutcome(index, null, $"namespace '{ns}' does not exist");

    /// <summary>An outcome carrying the namespace's revision (what a fence reports: the drain target, or the copy's last).</summary>
    private static GroupApplyOutcome Noted(long index, NamespaceState state) =>
        new(index, new WriteOutcome(true, state.Store.Revision, null, null, 0, 0, 0, 0));

    private static GroupApplyOutcome Promote(long index, NamespaceState state, PromoteCopyCommand promote)
    {
        if (!state.IsCopy && state.Store.Epoch >= promote.Epoch)
        {
            return Noted(index, state);
        }

        if (promote.Epoch <= state.Store.Epoch || promote.Epoch <= Revisions.Epoch(state.Store.Revision))
        {
            return new GroupApplyOutcome(index, null, $"cannot promote namespace '{promote.Namespace}' to epoch {promote.Epoch}: it is in epoch {state.Store.Epoch} here");
        }

        state.IsCopy = false;
        state.Settings = promote.Settings;
        state.Store.Apply(index, new BeginEpochCommand(promote.Epoch));
        return Noted(index, state);
    }

    private static GroupApplyOutcome Fenced(long index, NamespaceState state, string detail) =>
        new(index, new WriteOutcome(false, state.Store.Revision, MvccErrorCode.FencedEpoch, detail, 0, 0, 0, 0));

    private GroupApplyOutcome Install(long index, InstallNamespaceSnapshotCommand install)
    {
        NamespaceStore incoming;
        IdempotencyTable outcomes;
        try
        {
            (incoming, outcomes) = ReadNamespaceSnapshot(install.Snapshot, index);
        }
        catch (Exception bad) when (bad is InvalidDataException or EndOfStreamException)
        {
            return new GroupApplyOutcome(index, null, $"not a namespace snapshot: {bad.Message}");
        }

        // The outcomes aged on the source group's clock; here they age on this one's.
        outcomes.MoveClockTo(AgeingClockMs);

        if (namespaces.TryGetValue(install.Namespace, out var state))
        {
            if (!state.IsCopy)
            {
                return new GroupApplyOutcome(index, null, $"namespace '{install.Namespace}' is homed here; a snapshot of another region's cannot replace it");
            }

            if (!install.Replace && incoming.Revision <= state.Store.Revision)
            {
                return new GroupApplyOutcome(index, null);
            }

            if (state.FencedThrough >= 0 && incoming.Revision != state.Store.Revision && Revisions.Epoch(incoming.Revision) <= state.FencedThrough)
            {
                // A stopped copy's revision is the one it answered while the most advanced region
                // is chosen: a snapshot is a change like any shipped one, refused within a fenced epoch.
                return new GroupApplyOutcome(index, null, $"namespace '{install.Namespace}' is fenced through epoch {state.FencedThrough} here; a snapshot at revision {incoming.Revision} would move it from {state.Store.Revision}");
            }

            // The snapshot replaces the data, not what this group decided about it: its fence (a
            // stop or a freeze) stays until the catalog's rules lift it, as do the writes waiting
            // for the archive.
            var replaced = new NamespaceState(install.Settings, incoming, outcomes, isCopy: true)
            {
                FencedThrough = state.FencedThrough,
                FencedAtVersion = state.FencedAtVersion,
            };
            replaced.PendingDivergent.AddRange(state.PendingDivergent);
            replaced.Unacknowledged.UnionWith(state.Unacknowledged);
            namespaces[install.Namespace] = replaced;
            return new GroupApplyOutcome(index, null);
        }

        namespaces[install.Namespace] = new NamespaceState(install.Settings, incoming, outcomes, isCopy: true);
        return new GroupApplyOutcome(index, null);
    }

    /// <summary>One namespace's whole state (its store and idempotency keys), as a home ships it to a copy.</summary>
    public byte[]? NamespaceSnapshot(string ns)
    {
        if (State(ns) is not { } state)
        {
            return null;
        }

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            var store = state.Store.ToSnapshot();
            writer.Write(store.Length);
            writer.Write(store);
            state.Idempotency.Write(writer);
        }

        return stream.ToArray();
    }

    private (NamespaceStore Store, IdempotencyTable Outcomes) ReadNamespaceSnapshot(ReadOnlyMemory<byte> bytes, long index)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes.ToArray(), writable: false), System.Text.Encoding.UTF8);
        var store = NamespaceStore.FromSnapshot(reader.ReadBytes(reader.ReadInt32()), limits, appliedIndex: index);
        return (store, IdempotencyTable.Read(reader));
    }

    private GroupApplyOutcome Create(long index, CreateNamespaceCommand create)
    {
        var settings = create.Settings ?? NamespaceSettings.Default;
        if (namespaces.TryGetValue(create.Namespace, out var copy) && copy.IsCopy && !create.Copy)
        {
            // A copy is never replaced by a create: it becomes the home by promotion, or the
            // replicator removes it when the catalog no longer knows its epoch.
            return new GroupApplyOutcome(index, null, $"namespace '{create.Namespace}' is a copy here; it becomes the home by promotion, not by a create");
        }

        if (create.Copy && namespaces.TryGetValue(create.Namespace, out var former) && !former.IsCopy)
        {
            // A former home's data is never replaced by an empty copy: it becomes a copy by
            // demotion, and what it holds past a fork point goes to the divergent-writes archive.
            return new GroupApplyOutcome(index, null, $"namespace '{create.Namespace}' holds its own data here (epoch {former.Store.Epoch}); it becomes a copy by demotion, not by a create");
        }

        if (namespaces.TryGetValue(create.Namespace, out var stale) && create.Epoch > stale.Store.Epoch)
        {
            // Data of an earlier incarnation of the name, whose delete never reached this group.
            Delete(index, create.Namespace);
        }

        if (namespaces.TryGetValue(create.Namespace, out var existing))
        {
            // Checked here, where every replica decides alike: two creates that raced past the
            // HTTP layer's check cannot switch a namespace's mode or home without a switchover.
            if (existing.Settings.Mode != settings.Mode || existing.Settings.HomeRegion != settings.HomeRegion || existing.IsCopy != create.Copy)
            {
                return new GroupApplyOutcome(index, null, $"namespace '{create.Namespace}' already exists with another mode or home region; changing them is a switchover");
            }

            existing.Settings = settings;
            return new GroupApplyOutcome(index, null);
        }

        var store = new NamespaceStore(create.Namespace, limits);
        var epoch = Math.Max(create.Epoch, retiredEpochs.Remove(create.Namespace, out var lastEpoch) ? lastEpoch + 1 : 0);
        if (epoch > 0)
        {
            store.Apply(index, new BeginEpochCommand(epoch));
        }

        namespaces[create.Namespace] = new NamespaceState(settings, store, new IdempotencyTable(), create.Copy);
        return new GroupApplyOutcome(index, null);
    }

    private GroupApplyOutcome Delete(long index, string name)
    {
        if (!namespaces.Remove(name, out var deleted))
        {
            return new GroupApplyOutcome(index, null, $"namespace '{name}' does not exist");
        }

        retiredEpochs[name] = Math.Max(deleted.Store.Epoch, Revisions.Epoch(deleted.Store.Revision));
        return new GroupApplyOutcome(index, null);
    }

    private GroupApplyOutcome PutDrill(long index, PutDrillReportCommand drill)
    {
        Catalog.PutDrill(drill.Id, drill.Report.ToArray());
        return new GroupApplyOutcome(index, null);
    }

    private GroupApplyOutcome PutToken(long index, PutTokenCommand token)
    {
        tokens[token.Name] = new StoredToken(token.Name, token.Hash, token.Grants);
        return new GroupApplyOutcome(index, null);
    }
}
