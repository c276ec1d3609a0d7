namespace Platform.Testing.Linearizability;

/// <summary>
/// One operation of a single key, with values interned. <see cref="HistoryIndex"/> points back into the caller's
/// history so reports name operations the way the caller numbered them.
/// </summary>
internal readonly record struct RegisterOperation(
    int HistoryIndex,
    KvOperationKind Kind,
    int Written,
    int Expected,
    int Read,
    bool Succeeded,
    long InvokedAt,
    long? RespondedAt)
{
    public bool IsPending => RespondedAt is null;

    public static RegisterOperation From(int historyIndex, KvOperation operation, ValueTable values)
    {
        var outcome = operation.Outcome;
        return operation.Kind switch
        {
            KvOperationKind.Put => new(historyIndex, operation.Kind, values.IdentifierOf(operation.Value), ValueTable.Absent, ValueTable.Absent, true, operation.InvokedAt, outcome?.RespondedAt),

            KvOperationKind.Get => new(historyIndex, operation.Kind, ValueTable.Absent, ValueTable.Absent, values.IdentifierOf(outcome?.ReadValue), true, operation.InvokedAt, outcome?.RespondedAt),

            // A pending Cas that failed, or never ran, changed nothing: that is the same as leaving it out of the
            // order, which the search always may. So only its successful branch needs modelling.
            KvOperationKind.Cas => new(historyIndex, operation.Kind, values.IdentifierOf(operation.Value), values.IdentifierOf(operation.Expected), ValueTable.Absent, outcome?.CasSucceeded ?? true, operation.InvokedAt, outcome?.RespondedAt),

            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, "Unknown operation kind."),
        };
    }
}
