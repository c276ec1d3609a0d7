namespace Platform.Testing.Linearizability;

/// <summary>
/// One client operation on one key, as seen from outside the system, with times on one global clock.
/// Put writes <see cref="Value"/>; Cas compares with <see cref="Expected"/> (null: absent) and writes <see cref="Value"/>;
/// Get uses neither. A null <see cref="Outcome"/> means the client never heard back: the operation may have taken
/// effect at any instant after <see cref="InvokedAt"/>, or never.
/// </summary>
public sealed record KvOperation(
    int ClientId,
    string Key,
    KvOperationKind Kind,
    string? Value,
    string? Expected,
    long InvokedAt,
    KvOutcome? Outcome)
{
    /// <summary>True when the client never heard back, so the effect is indeterminate.</summary>
    public bool IsPending => Outcome is null;
}
