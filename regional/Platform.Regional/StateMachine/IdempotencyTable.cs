namespace Platform.Regional.StateMachine;

/// <summary>An idempotency key's first outcome, its time on the group's ageing clock and the namespace's revision right after it.</summary>
public sealed record RememberedOutcome(string Key, WriteOutcome Outcome, long AtMs, long AtRevision);

/// <summary>
/// The first outcome of each idempotency key of one namespace, kept for <see cref="Retention"/>
/// (the API promises at least 24 h). Age is measured on the ageing clock of the group that holds the
/// table (<see cref="GroupStateMachine.AgeingClockMs"/>), as recorded in the log, never on the
/// applying replica's clock, so every replica forgets the same keys at the same entry. That clock
/// never runs ahead of real time, so an outcome is never older by it than it really is; outcomes
/// from another group's clock (shipped, or in a snapshot) are moved onto this one keeping their
/// ages, or less.
/// Entries are kept in the order they were applied, with the revision the namespace had then, so
/// the home's change feed ships each with the revisions around it and copies remember them too
/// (a retry after a change of home still gets the first outcome).
/// </summary>
public sealed class IdempotencyTable
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(25);

    private readonly Dictionary<string, RememberedOutcome> outcomes = new(StringComparer.Ordinal);

    /// <summary>Every remembered entry in apply order (revisions never go down along it); entries before <see cref="head"/> expired.</summary>
    private readonly List<RememberedOutcome> inOrder = [];
    private int head;
    private long newestMs;

    public int Count => outcomes.Count;

    /// <summary>The latest time remembered (on the group's ageing clock), 0 when empty.</summary>
    public long NewestMs => newestMs;

    public WriteOutcome? Find(string key) => outcomes.TryGetValue(key, out var kept) ? kept.Outcome with { Replayed = true } : null;

    public void Remember(string key, WriteOutcome outcome, long atMs, long atRevision = 0) =>
        Remember(new RememberedOutcome(key, outcome with { Replayed = false }, atMs, atRevision));

    public void Remember(RememberedOutcome remembered)
    {
        ArgumentNullException.ThrowIfNull(remembered);
        if (inOrder.Count > head && remembered.AtRevision < inOrder[^1].AtRevision)
        {
            // Shipped late (a copy catching up): kept with the latest revision, so the order holds.
            remembered = remembered with { AtRevision = inOrder[^1].AtRevision };
        }

        if (inOrder.Count > head && remembered.AtMs < inOrder[^1].AtMs)
        {
            // Likewise with the latest time: younger than it is, so kept longer, never less long.
            remembered = remembered with { AtMs = inOrder[^1].AtMs };
        }

        newestMs = Math.Max(newestMs, remembered.AtMs);

        outcomes[remembered.Key] = remembered;
        inOrder.Add(remembered);
        Expire();
    }

    /// <summary>
    /// Remembers outcomes shipped from another group (the home's), whose times are on that group's
    /// ageing clock: each keeps its age relative to the newest of them, which is taken as made now
    /// (<paramref name="nowMs"/>, this group's clock). Ages are never overstated, as the newest was
    /// made before this entry was proposed. An outcome already held is left as it is: the feed
    /// ships again those at the revision a pull starts from, and they must not grow younger each time.
    /// </summary>
    public void RememberShipped(IReadOnlyList<RememberedOutcome> shipped, long nowMs)
    {
        ArgumentNullException.ThrowIfNull(shipped);
        if (shipped.Count == 0)
        {
            return;
        }

        var newestShippedMs = shipped.Max(o => o.AtMs);
        foreach (var outcome in shipped)
        {
            if (outcomes.TryGetValue(outcome.Key, out var held) && held.Outcome == outcome.Outcome)
            {
                continue;
            }

            Remember(outcome with { AtMs = nowMs - (newestShippedMs - outcome.AtMs) });
        }
    }

    /// <summary>
    /// Moves a table read from another group's snapshot onto this group's ageing clock: its newest
    /// outcome is taken as made now (<paramref name="nowMs"/>) and every other keeps its age relative to it.
    /// </summary>
    public void MoveClockTo(long nowMs)
    {
        var shift = nowMs - newestMs;
        Rebuild(e => e with { AtMs = e.AtMs + shift });
        newestMs = nowMs;
    }

    /// <summary>
    /// Forgets what a truncation to <paramref name="fork"/> took away. An outcome reports the
    /// namespace at its own revision (<see cref="WriteOutcome.Revision"/>): the revision its write
    /// made or, for a write that was refused or changed nothing, the revision it was judged at. Past
    /// the fork that state is gone: the write is not in the data, or the refusal was judged against
    /// writes that are not, so the outcome is dropped and a retry is judged afresh on the history
    /// that goes on. At or below the fork the state it reports is in that history, so it is kept:
    /// forgetting it would let a retry apply a write twice. <see cref="RememberedOutcome.AtRevision"/>
    /// is no guide here, as an outcome shipped late was moved to the latest revision; kept outcomes
    /// are moved back to the fork at most, so the order holds for what comes after it.
    /// </summary>
    public void ForgetPast(long fork) =>
        Rebuild(e => e.Outcome.Revision > fork ? null : e.AtRevision > fork ? e with { AtRevision = fork } : e);

    /// <summary>Replaces every live entry with what <paramref name="change"/> makes of it (null: forgotten), in the same order.</summary>
    private void Rebuild(Func<RememberedOutcome, RememberedOutcome?> change)
    {
        var kept = inOrder.Skip(head)
            .Where(e => ReferenceEquals(outcomes.GetValueOrDefault(e.Key), e))
            .Select(change)
            .OfType<RememberedOutcome>()
            .ToList();
        outcomes.Clear();
        inOrder.Clear();
        head = 0;
        foreach (var entry in kept)
        {
            outcomes[entry.Key] = entry;
            inOrder.Add(entry);
        }
    }

    /// <summary>The entries remembered at revisions from <paramref name="from"/> to <paramref name="to"/>, in apply order (what a feed frame ships with those revisions).</summary>
    public IReadOnlyList<RememberedOutcome> Between(long from, long to)
    {
        int low = head, high = inOrder.Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (inOrder[middle].AtRevision < from)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        var result = new List<RememberedOutcome>();
        for (var i = low; i < inOrder.Count && inOrder[i].AtRevision <= to; i++)
        {
            if (ReferenceEquals(outcomes.GetValueOrDefault(inOrder[i].Key), inOrder[i]))
            {
                result.Add(inOrder[i]);
            }
        }

        return result;
    }

    private void Expire()
    {
        var horizon = newestMs - (long)Retention.TotalMilliseconds;
        while (head < inOrder.Count && inOrder[head].AtMs < horizon)
        {
            var oldest = inOrder[head++];
            if (ReferenceEquals(outcomes.GetValueOrDefault(oldest.Key), oldest))
            {
                outcomes.Remove(oldest.Key);
            }
        }

        if (head > 1024 && head > inOrder.Count / 2)
        {
            inOrder.RemoveRange(0, head);
            head = 0;
        }
    }

    public void Write(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var live = inOrder.Skip(head).Where(e => ReferenceEquals(outcomes.GetValueOrDefault(e.Key), e)).ToList();
        writer.Write(live.Count);
        foreach (var entry in live)
        {
            writer.Write(entry.Key);
            writer.Write(entry.AtMs);
            WriteOutcome(writer, entry.Outcome);
            writer.Write(entry.AtRevision);
        }
    }

    /// <summary>Reads a table; <paramref name="withRevisions"/> is false for snapshots made before entries kept their revision.</summary>
    public static IdempotencyTable Read(BinaryReader reader, bool withRevisions = true)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var table = new IdempotencyTable();
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            var atMs = reader.ReadInt64();
            var outcome = ReadOutcome(reader);
            table.Remember(key, outcome, atMs, withRevisions ? reader.ReadInt64() : 0);
        }

        return table;
    }

    internal static void WriteOutcome(BinaryWriter writer, WriteOutcome o)
    {
        writer.Write(o.Succeeded);
        writer.Write(o.Revision);
        writer.Write(o.Error.HasValue ? (int)o.Error.Value : -1);
        writer.Write(o.Detail ?? string.Empty);
        writer.Write(o.CreateRevision);
        writer.Write(o.ModRevision);
        writer.Write(o.Version);
        writer.Write(o.Deleted);
    }

    internal static WriteOutcome ReadOutcome(BinaryReader reader)
    {
        var succeeded = reader.ReadBoolean();
        var revision = reader.ReadInt64();
        var error = reader.ReadInt32();
        var detail = reader.ReadString();
        return new WriteOutcome(succeeded, revision, error < 0 ? null : (Storage.Mvcc.MvccErrorCode)error, detail.Length == 0 ? null : detail,
            reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt32());
    }
}
