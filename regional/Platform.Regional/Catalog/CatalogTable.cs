using Platform.Regional.Namespaces;

namespace Platform.Regional.Catalog;

/// <summary>
/// The catalog's namespace entries, part of the state of the group that keeps the catalog (the
/// strong-global catalog group when regions are linked, the region's group 0 when alone). Every
/// change is a compare-and-swap on the entry's version, decided at apply time so every replica
/// decides alike. A namespace deleted and created again starts a later epoch than any before it,
/// so no revision is ever handed out twice under one name. The first epoch of a name is 0, so its
/// revisions count from 1 as etcd's do.
/// </summary>
public sealed class CatalogTable
{
    private readonly SortedDictionary<string, CatalogEntry> entries = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> retiredEpochs = new(StringComparer.Ordinal);

    /// <summary>Each namespace's divergent-writes archive, in revision order (kept with the catalog so every region can read it and it survives moves).</summary>
    private readonly SortedDictionary<string, List<DivergentWrite>> divergent = new(StringComparer.Ordinal);

    /// <summary>Drill reports (JSON, as the global layer writes them) by id; ids sort by start time.</summary>
    private readonly SortedDictionary<string, byte[]> drills = new(StringComparer.Ordinal);

    /// <summary>How many drill reports the catalog keeps (the oldest go first).</summary>
    public const int MaxDrills = 100;

    public IReadOnlyDictionary<string, byte[]> Drills => drills;

    /// <summary>Stores (or replaces) a drill's report.</summary>
    public void PutDrill(string id, byte[] report)
    {
        drills[id] = report;
        while (drills.Count > MaxDrills)
        {
            drills.Remove(drills.Keys.First());
        }
    }

    public IReadOnlyCollection<CatalogEntry> Entries => entries.Values;

    public CatalogEntry? Find(string name) => entries.GetValueOrDefault(name);

    /// <summary>Creates the entry (expected version 0) or changes its settings; null on success, else why not.</summary>
    public string? Put(long index, string name, NamespaceSettings settings, ulong group, long expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var current = entries.GetValueOrDefault(name);
        if ((current?.Version ?? 0) != expectedVersion)
        {
            return $"{Conflict}: namespace '{name}' is at catalog version {current?.Version ?? 0}, not {expectedVersion}";
        }

        if (current is null)
        {
            var epoch = retiredEpochs.Remove(name, out var retired) ? retired + 1 : 0;
            entries[name] = new CatalogEntry(name, settings, group, epoch, [new EpochRecord(epoch, settings.HomeRegion)], index);
            return null;
        }

        if (current.Settings.Mode != settings.Mode || current.Settings.HomeRegion != settings.HomeRegion || current.Group != group)
        {
            return $"namespace '{name}' is {NamespaceText.Mode(current.Mode)} in group {current.Group}; changing its mode, home or group is a switchover";
        }

        entries[name] = current with { Settings = settings, Version = index };
        return null;
    }

    /// <summary>
    /// Revokes the home's lease on a namespace and records where it is moving (compare-and-swap): a
    /// <c>local-commit</c> namespace to another region or to <see cref="CatalogEntry.ToStrongGlobal"/>,
    /// a <c>strong-global</c> one to the region that becomes its home.
    /// </summary>
    public string? BeginMove(long index, string name, string target, long expectedVersion, MoveKind kind = MoveKind.Planned)
    {
        if (Current(name, expectedVersion, out var current) is { } refused)
        {
            return refused;
        }

        var allowed = current!.MovingTo is null && (current.Mode == NamespaceMode.LocalCommit
            ? current.HomeRegion != target && (kind == MoveKind.Planned || target != CatalogEntry.ToStrongGlobal)
            : target != CatalogEntry.ToStrongGlobal && kind == MoveKind.Planned);
        if (!allowed)
        {
            return $"namespace '{name}' cannot move to {target} now (it is {NamespaceText.Mode(current.Mode)}, homed in {current.HomeRegion}, moving to {current.MovingTo ?? "nowhere"})";
        }

        entries[name] = current with { MovingTo = target, MovingBy = kind, Version = index };
        return null;
    }

    /// <summary>
    /// Ends a move (compare-and-swap): with <paramref name="newHome"/>, the namespace is homed there
    /// in the next epoch (the epoch that ends keeps <paramref name="fork"/>, its last surviving
    /// revision, after an unplanned failover); without, the move is aborted and the old home's
    /// lease may cover it again.
    /// </summary>
    public string? EndMove(long index, string name, string? newHome, long? fork, long expectedVersion)
    {
        if (Current(name, expectedVersion, out var current) is { } refused)
        {
            return refused;
        }

        if (current!.MovingTo is null)
        {
            return $"namespace '{name}' is not moving";
        }

        if (newHome is null)
        {
            entries[name] = current with { MovingTo = null, MovingBy = MoveKind.Planned, Version = index };
            return null;
        }

        // A planned move ends without a fork (its old home cooperated: nothing is lost), a promotion
        // with one; neither may end the other's record. A promotion that ended a switchover's record
        // would cut the writes the old home acknowledged after the copy's revision, alive as it is.
        if ((fork is not null) != (current.MovingBy == MoveKind.Promotion))
        {
            return $"namespace '{name}' is moving to {current.MovingTo} by a {Describe(current.MovingBy)}; it cannot end {(fork is null ? "as a planned move" : "as a promotion")}";
        }

        var epoch = current.Epoch + 1;
        var epochs = current.Epochs.Select(e => e.Epoch == current.Epoch ? e with { ForkRevision = fork } : e).Append(new EpochRecord(epoch, newHome)).ToList();
        entries[name] = current with { Settings = current.Settings with { HomeRegion = newHome }, Epoch = epoch, Epochs = epochs, MovingTo = null, MovingBy = MoveKind.Planned, Version = index };
        return null;
    }

    /// <summary>
    /// Ends a mode change (compare-and-swap): the namespace takes <paramref name="settings"/> and
    /// lives in <paramref name="group"/> from the next epoch on. Only the change the move recorded:
    /// to <c>strong-global</c> after a move to <see cref="CatalogEntry.ToStrongGlobal"/>, to
    /// <c>local-commit</c> homed in the region a <c>strong-global</c> namespace was moving to.
    /// </summary>
    public string? ChangeMode(long index, string name, NamespaceSettings settings, ulong group, long expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (Current(name, expectedVersion, out var current) is { } refused)
        {
            return refused;
        }

        // Only a planned move changes a mode: a promotion's record names a region, not a mode change to it.
        var recorded = current!.MovingBy == MoveKind.Planned && (current.Mode == NamespaceMode.LocalCommit
            ? current.MovingTo == CatalogEntry.ToStrongGlobal && settings.Mode == NamespaceMode.StrongGlobal
            : current.MovingTo is { } target && settings.Mode == NamespaceMode.LocalCommit && settings.HomeRegion == target);
        if (!recorded)
        {
            return $"namespace '{name}' is not changing to {NamespaceText.Mode(settings.Mode)}{(settings.HomeRegion is { } home ? $" in {home}" : string.Empty)} (it is {NamespaceText.Mode(current.Mode)}, moving to {current.MovingTo ?? "nowhere"})";
        }

        var epoch = current.Epoch + 1;
        var epochs = current.Epochs.Append(new EpochRecord(epoch, settings.HomeRegion)).ToList();
        entries[name] = current with { Settings = settings, Group = group, Epoch = epoch, Epochs = epochs, MovingTo = null, MovingBy = MoveKind.Planned, Version = index };
        return null;
    }

    private static string Describe(MoveKind kind) => kind == MoveKind.Promotion ? "promotion" : "planned move";

    private string? Current(string name, long expectedVersion, out CatalogEntry? current)
    {
        current = entries.GetValueOrDefault(name);
        if (current is null)
        {
            return $"namespace '{name}' does not exist";
        }

        return current.Version != expectedVersion ? $"{Conflict}: namespace '{name}' is at catalog version {current.Version}, not {expectedVersion}" : null;
    }

    public string? Delete(string name, long expectedVersion)
    {
        if (!entries.TryGetValue(name, out var current))
        {
            return $"namespace '{name}' does not exist";
        }

        if (current.Version != expectedVersion)
        {
            return $"{Conflict}: namespace '{name}' is at catalog version {current.Version}, not {expectedVersion}";
        }

        entries.Remove(name);
        divergent.Remove(name);
        retiredEpochs[name] = current.Epoch;
        return null;
    }

    /// <summary>A namespace's divergent-writes archive, in revision order (empty when nothing was lost).</summary>
    public IReadOnlyList<DivergentWrite> Divergent(string name) => divergent.TryGetValue(name, out var writes) ? writes : [];

    /// <summary>
    /// Adds writes to a namespace's archive. A write already there (several regions may have held
    /// it past the fork) is kept once, unacknowledged if any region knew it was not acknowledged.
    /// </summary>
    public string? ArchiveDivergent(string name, IReadOnlyList<DivergentWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (!entries.ContainsKey(name))
        {
            return $"namespace '{name}' does not exist";
        }

        var archive = divergent.TryGetValue(name, out var kept) ? kept : divergent[name] = [];
        foreach (var write in writes)
        {
            var at = archive.FindIndex(w => w.Identity == write.Identity);
            if (at >= 0)
            {
                archive[at] = archive[at] with { Acknowledged = archive[at].Acknowledged && write.Acknowledged };
                continue;
            }

            var before = archive.FindLastIndex(w => w.Revision < write.Revision || (w.Revision == write.Revision && string.CompareOrdinal(w.Key, write.Key) < 0));
            archive.Insert(before + 1, write);
        }

        return null;
    }

    /// <summary>The start of the problem text of a compare-and-swap that lost a race: the caller reads again and retries.</summary>
    public const string Conflict = "catalog conflict";

    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(entries.Count);
        foreach (var entry in entries.Values)
        {
            writer.Write(entry.Name);
            StateMachine.GroupCommandCodec.WriteSettings(writer, entry.Settings);
            writer.Write(entry.Group);
            writer.Write(entry.Epoch);
            writer.Write(entry.Version);
            writer.Write(entry.Epochs.Count);
            foreach (var epoch in entry.Epochs)
            {
                writer.Write(epoch.Epoch);
                writer.Write(epoch.HomeRegion ?? string.Empty);
                writer.Write(epoch.ForkRevision ?? -1);
            }

            writer.Write(entry.MovingTo ?? string.Empty);
        }

        writer.Write(retiredEpochs.Count);
        foreach (var (name, epoch) in retiredEpochs)
        {
            writer.Write(name);
            writer.Write(epoch);
        }

        writer.Write(divergent.Count);
        foreach (var (name, writes) in divergent)
        {
            writer.Write(name);
            DivergentWrite.WriteAll(writer, writes);
        }

        writer.Write(drills.Count);
        foreach (var (id, report) in drills)
        {
            writer.Write(id);
            writer.Write(report.Length);
            writer.Write(report);
        }

        // Appended last, so a table written before move kinds existed reads on (every move planned).
        var promotions = entries.Values.Where(e => e.MovingTo is not null && e.MovingBy != MoveKind.Planned).ToList();
        writer.Write(promotions.Count);
        foreach (var entry in promotions)
        {
            writer.Write(entry.Name);
            writer.Write((byte)entry.MovingBy);
        }
    }

    /// <summary>
    /// Reads a table; <paramref name="withMoves"/> is false for snapshots made before entries
    /// recorded moves, <paramref name="withDivergent"/> for those made before the archive and drill reports.
    /// </summary>
    public static CatalogTable Read(BinaryReader reader, bool withMoves = true, bool withDivergent = true)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var table = new CatalogTable();
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var settings = StateMachine.GroupCommandCodec.ReadSettings(reader);
            var group = reader.ReadUInt64();
            var epoch = reader.ReadInt64();
            var version = reader.ReadInt64();
            var epochs = new EpochRecord[reader.ReadInt32()];
            for (var e = 0; e < epochs.Length; e++)
            {
                var number = reader.ReadInt64();
                var home = reader.ReadString();
                var fork = reader.ReadInt64();
                epochs[e] = new EpochRecord(number, home.Length == 0 ? null : home, fork < 0 ? null : fork);
            }

            var movingTo = withMoves ? reader.ReadString() : string.Empty;
            table.entries[name] = new CatalogEntry(name, settings, group, epoch, epochs, version) { MovingTo = movingTo.Length == 0 ? null : movingTo };
        }

        var retired = reader.ReadInt32();
        for (var i = 0; i < retired; i++)
        {
            table.retiredEpochs[reader.ReadString()] = reader.ReadInt64();
        }

        var archived = withDivergent ? reader.ReadInt32() : 0;
        for (var i = 0; i < archived; i++)
        {
            table.divergent[reader.ReadString()] = DivergentWrite.ReadAll(reader);
        }

        var drillCount = withDivergent ? reader.ReadInt32() : 0;
        for (var i = 0; i < drillCount; i++)
        {
            var id = reader.ReadString();
            table.drills[id] = reader.ReadBytes(reader.ReadInt32());
        }

        // The table is the snapshot's last part: older snapshots end here.
        var kinds = reader.BaseStream.Position < reader.BaseStream.Length ? reader.ReadInt32() : 0;
        for (var i = 0; i < kinds; i++)
        {
            var name = reader.ReadString();
            var kind = (MoveKind)reader.ReadByte();
            table.entries[name] = table.entries[name] with { MovingBy = Enum.IsDefined(kind) ? kind : throw new InvalidDataException($"unknown move kind {kind} of '{name}'") };
        }

        return table;
    }
}
