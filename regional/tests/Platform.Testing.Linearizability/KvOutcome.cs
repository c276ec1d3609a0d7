namespace Platform.Testing.Linearizability;

/// <summary>
/// What the client heard back. <see cref="ReadValue"/> matters for a Get only (null: absent),
/// <see cref="CasSucceeded"/> for a Cas only; a Put's answer carries nothing but its time.
/// </summary>
public sealed record KvOutcome(long RespondedAt, string? ReadValue, bool CasSucceeded);
