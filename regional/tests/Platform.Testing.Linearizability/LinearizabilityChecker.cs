namespace Platform.Testing.Linearizability;

/// <summary>
/// Decides whether a history of Put, Get and Cas operations on independent keys is linearizable. Linearizability
/// is compositional, so each key is checked on its own: that keeps every search small and lets a report name the key.
/// </summary>
public static class LinearizabilityChecker
{
    /// <summary>Far more than a few hundred operations per key need, yet a few hundred milliseconds at worst.</summary>
    public const long DefaultStepBudgetPerKey = 1_000_000;

    /// <summary>
    /// Checks every key. A violation on any key wins over a key that ran out of budget, since it is definite.
    /// Pending Gets are dropped: a read nobody saw constrains nothing.
    /// </summary>
    public static LinearizabilityResult Check(IReadOnlyList<KvOperation> history, long stepBudgetPerKey = DefaultStepBudgetPerKey)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepBudgetPerKey);

        var indicesByKey = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (var index = 0; index < history.Count; index++)
        {
            var operation = history[index];
            if (ProblemWith(index, operation) is { } problem)
            {
                throw new ArgumentException(problem, nameof(history));
            }

            if (operation.Kind == KvOperationKind.Get && operation.IsPending)
            {
                continue;
            }

            if (!indicesByKey.TryGetValue(operation.Key, out var indices))
            {
                indices = [];
                indicesByKey.Add(operation.Key, indices);
            }

            indices.Add(index);
        }

        LinearizabilityResult? unknown = null;
        var checkedOperations = 0;
        foreach (var (key, indices) in indicesByKey)
        {
            var values = new ValueTable();
            var operations = indices.Select(index => RegisterOperation.From(index, history[index], values)).ToArray();
            var outcome = KeySearch.Run(operations, stepBudgetPerKey);
            checkedOperations += operations.Length;

            if (outcome.Verdict == LinearizabilityVerdict.Violation)
            {
                return new LinearizabilityResult(LinearizabilityVerdict.Violation, key, ViolationReport.Describe(key, operations, history, values, outcome.LongestDeadEnd!));
            }

            if (outcome.Verdict == LinearizabilityVerdict.Unknown && unknown is null)
            {
                unknown = new LinearizabilityResult(
                    LinearizabilityVerdict.Unknown,
                    key,
                    $"Key \"{key}\" ({operations.Length} operations): the search used its budget of {stepBudgetPerKey} steps without deciding. Raise the budget or shorten the history.");
            }
        }

        return unknown ?? new LinearizabilityResult(LinearizabilityVerdict.Ok, null, $"{checkedOperations} operations on {indicesByKey.Count} keys are linearizable.");
    }

    /// <summary>Names what is malformed about an operation, or returns null when it is well formed.</summary>
    private static string? ProblemWith(int index, KvOperation? operation) => operation switch
    {
        null => $"Operation #{index} is null.",
        { Key: null } => $"Operation #{index} has no key.",
        _ when !Enum.IsDefined(operation.Kind) => $"Operation #{index} has an unknown kind {operation.Kind}.",
        { Outcome.RespondedAt: var respondedAt } when respondedAt < operation.InvokedAt =>
            $"Operation #{index} returned at {respondedAt}, before it was invoked at {operation.InvokedAt}.",
        _ => null,
    };
}
