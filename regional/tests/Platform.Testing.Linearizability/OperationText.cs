namespace Platform.Testing.Linearizability;

/// <summary>Renders operations and values the same way everywhere in reports.</summary>
internal static class OperationText
{
    public static string Value(string? value) => value is null ? "absent" : $"\"{value}\"";

    /// <summary>For example: <c>#7 client 2 Cas(k, "a" -> "b") invoked 120, returned 180: succeeded</c>.</summary>
    public static string Describe(int historyIndex, KvOperation operation)
    {
        var call = operation.Kind switch
        {
            KvOperationKind.Put => $"Put({operation.Key}, {Value(operation.Value)})",
            KvOperationKind.Get => $"Get({operation.Key})",
            KvOperationKind.Cas => $"Cas({operation.Key}, {Value(operation.Expected)} -> {Value(operation.Value)})",
            _ => operation.Kind.ToString(),
        };

        if (operation.Outcome is not { } outcome)
        {
            return $"#{historyIndex} client {operation.ClientId} {call} invoked {operation.InvokedAt}, no response";
        }

        var answer = operation.Kind switch
        {
            KvOperationKind.Get => $": read {Value(outcome.ReadValue)}",
            KvOperationKind.Cas => outcome.CasSucceeded ? ": succeeded" : ": failed",
            _ => string.Empty,
        };

        return $"#{historyIndex} client {operation.ClientId} {call} invoked {operation.InvokedAt}, returned {outcome.RespondedAt}{answer}";
    }
}
