namespace Platform.Storage.Wal;

public sealed record WalOptions
{
    /// <summary>A segment is closed and a new one started once it reaches this size.</summary>
    public long SegmentBytes { get; init; } = 64L << 20;

    /// <summary>Bytes of appends one group commit writes before it syncs; later appends wait for the next.</summary>
    public int MaxBatchBytes { get; init; } = 8 << 20;

    /// <summary>Callers waiting for durability at once before new ones wait for room (backpressure).</summary>
    public int MaxPendingWrites { get; init; } = 4096;

    /// <summary>
    /// Who runs the group commit. Null: the log's own flusher thread, as a node runs. A deterministic
    /// simulation hands in its scheduler, which runs each flush as the process's work in simulated
    /// time (and then the callers' continuations stay on the simulation's thread too).
    /// </summary>
    public Action<Action>? FlushScheduler { get; init; }
}
