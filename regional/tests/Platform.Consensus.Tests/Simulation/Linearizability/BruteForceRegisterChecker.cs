using Platform.Testing.Linearizability;

namespace Platform.Consensus.Tests.Simulation.Linearizability;

/// <summary>
/// The definition of linearizability for one key, spelled out with no cleverness: try every order of the completed
/// operations plus any subset of the unanswered writes, placing an operation only when no unplaced completed
/// operation returned before it was invoked. Exponential, so only for cross-checking the real search on tiny histories.
/// </summary>
internal static class BruteForceRegisterChecker
{
    public static bool IsLinearizable(IReadOnlyList<KvOperation> history)
    {
        // Unanswered reads constrain nothing, as in the real checker.
        var operations = history.Where(operation => !(operation.Kind == KvOperationKind.Get && operation.IsPending)).ToArray();
        return Extend(operations, new bool[operations.Length], state: null);
    }

    private static bool Extend(KvOperation[] operations, bool[] placed, string? state)
    {
        if (Enumerable.Range(0, operations.Length).All(index => placed[index] || operations[index].IsPending))
        {
            return true;
        }

        for (var next = 0; next < operations.Length; next++)
        {
            if (placed[next] || !MayComeNext(operations, placed, next) || !TryApply(operations[next], state, out var nextState))
            {
                continue;
            }

            placed[next] = true;
            var found = Extend(operations, placed, nextState);
            placed[next] = false;
            if (found)
            {
                return true;
            }
        }

        return false;
    }

    private static bool MayComeNext(KvOperation[] operations, bool[] placed, int next) =>
        !Enumerable.Range(0, operations.Length).Any(other =>
            !placed[other] && other != next && operations[other].Outcome is { } outcome && outcome.RespondedAt < operations[next].InvokedAt);

    private static bool TryApply(KvOperation operation, string? state, out string? nextState)
    {
        nextState = state;
        switch (operation.Kind)
        {
            case KvOperationKind.Put:
                nextState = operation.Value;
                return true;
            case KvOperationKind.Get:
                return operation.Outcome!.ReadValue == state;
            case KvOperationKind.Cas when operation.Outcome?.CasSucceeded ?? true:
                nextState = operation.Value;
                return operation.Expected == state;
            default:
                return operation.Expected != state;
        }
    }
}
