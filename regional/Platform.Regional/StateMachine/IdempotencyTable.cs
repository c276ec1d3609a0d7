namespace Platform.Regional.StateMachine;

/// <summary>
/// The first outcome of each idempotency key of one namespace, kept for <see cref="Retention"/>
/// (shared/API.md: at least 24 h). Age is measured on the proposers' clocks as recorded in the log,
/// never on the applying replica's clock, so every replica forgets the same keys at the same entry.
/// </summary>
public sealed class IdempotencyTable
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(25);

    private readonly Dictionary<string, (WriteOutcome Outcome, long AtMs)> outcomes = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, long AtMs)> byAge = new();
    private long newestMs;

    public int Count => outcomes.Count;

    public WriteOutcome? Find(string key) => outcomes.TryGetValue(key, out var kept) ? kept.Outcome with { Replayed = true } : null;

    public void Remember(string key, WriteOutcome outcome, long atMs)
    {
        newestMs = Math.Max(newestMs, atMs);
        outcomes[key] = (outcome, atMs);
        byAge.Enqueue((key, atMs));
        Expire();
    }

    private void Expire()
    {
        var horizon = newestMs - (long)Retention.TotalMilliseconds;
        while (byAge.TryPeek(out var oldest) && oldest.AtMs < horizon)
        {
            byAge.Dequeue();
            if (outcomes.TryGetValue(oldest.Key, out var kept) && kept.AtMs == oldest.AtMs)
            {
                outcomes.Remove(oldest.Key);
            }
        }
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(outcomes.Count);
        foreach (var (key, atMs) in byAge)
        {
            if (outcomes.TryGetValue(key, out var kept) && kept.AtMs == atMs)
            {
                writer.Write(key);
                writer.Write(atMs);
                var o = kept.Outcome;
                writer.Write(o.Succeeded);
                writer.Write(o.Revision);
                writer.Write(o.Error.HasValue ? (int)o.Error.Value : -1);
                writer.Write(o.Detail ?? string.Empty);
                writer.Write(o.CreateRevision);
                writer.Write(o.ModRevision);
                writer.Write(o.Version);
                writer.Write(o.Deleted);
            }
        }
    }

    public static IdempotencyTable Read(BinaryReader reader)
    {
        var table = new IdempotencyTable();
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadString();
            var atMs = reader.ReadInt64();
            var succeeded = reader.ReadBoolean();
            var revision = reader.ReadInt64();
            var error = reader.ReadInt32();
            var detail = reader.ReadString();
            var outcome = new WriteOutcome(succeeded, revision, error < 0 ? null : (Storage.Mvcc.MvccErrorCode)error, detail.Length == 0 ? null : detail,
                reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt32());
            table.Remember(key, outcome, atMs);
        }

        return table;
    }
}
