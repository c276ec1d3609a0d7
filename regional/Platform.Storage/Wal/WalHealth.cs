namespace Platform.Storage.Wal;

public enum WalCondition
{
    /// <summary>Every byte is a valid record (or trailing zeros).</summary>
    Healthy,

    /// <summary>The last write was cut short by a crash; the partial record is truncated on start. Nothing acknowledged is lost.</summary>
    TornTail,

    /// <summary>A damaged record is followed by valid ones: committed data may be affected, so the node refuses to start.</summary>
    Corrupted,
}

/// <summary>What recovery found, in words an operator can act on.</summary>
public sealed record WalHealth(WalCondition Condition, string? File, long Offset, string Detail)
{
    public static readonly WalHealth Healthy = new(WalCondition.Healthy, null, 0, "healthy");

    public override string ToString() => Condition switch
    {
        WalCondition.Healthy => Detail,
        WalCondition.TornTail => $"torn tail in {File} at offset {Offset}: {Detail} (truncated on start; no acknowledged write is lost)",
        _ => $"CORRUPTED: {File} at offset {Offset}: {Detail}",
    };
}

/// <summary>Thrown when the log is damaged in the middle: the node must not start on it.</summary>
public sealed class WalCorruptedException(WalHealth health) : Exception(health.ToString())
{
    public WalHealth Health { get; } = health;
}
