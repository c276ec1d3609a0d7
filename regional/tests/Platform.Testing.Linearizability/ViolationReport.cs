using System.Text;

namespace Platform.Testing.Linearizability;

/// <summary>
/// Turns the search's longest dead end into text a developer can check by hand: the order that worked, the
/// operation that ran out of time, and why each operation allowed next does not fit.
/// </summary>
internal static class ViolationReport
{
    /// <summary>Long prefixes are cut to their tail: the failure is almost always in the last few placements.</summary>
    private const int PrefixLinesShown = 30;

    public static string Describe(string key, IReadOnlyList<RegisterOperation> operations, IReadOnlyList<KvOperation> history, ValueTable values, DeadEnd deadEnd)
    {
        string Line(int operation) => OperationText.Describe(operations[operation].HistoryIndex, history[operations[operation].HistoryIndex]);

        var pending = operations.Count(operation => operation.IsPending);
        var stateAfter = OperationText.Value(values.ValueOf(deadEnd.StateAfter));
        var text = new StringBuilder();
        text.AppendLine($"Key \"{key}\" is not linearizable ({operations.Count} operations on it, {pending} without a response).");

        if (deadEnd.Prefix.Count == 0)
        {
            text.AppendLine("No operation could be placed first; the register starts absent.");
        }
        else
        {
            text.AppendLine($"Longest order found that respects real time and the register: {deadEnd.Prefix.Count} operations, leaving {stateAfter}.");
            var hidden = Math.Max(0, deadEnd.Prefix.Count - PrefixLinesShown);
            if (hidden > 0)
            {
                text.AppendLine($"  ... {hidden} earlier operations");
            }

            foreach (var operation in deadEnd.Prefix.Skip(hidden))
            {
                text.AppendLine($"  {Line(operation)}");
            }
        }

        var blocking = operations[deadEnd.Blocking];
        text.AppendLine($"Then {Line(deadEnd.Blocking)} had to take effect before it returned at {blocking.RespondedAt}, but none of the operations allowed next fits:");
        foreach (var candidate in deadEnd.Candidates)
        {
            text.AppendLine($"  {Line(candidate)}: {WhyNot(operations[candidate], deadEnd.StateAfter, values)}");
        }

        return text.ToString().TrimEnd();
    }

    private static string WhyNot(RegisterOperation operation, int state, ValueTable values)
    {
        string Named(int value) => OperationText.Value(values.ValueOf(value));

        if (RegisterModel.TryApply(operation, state, out _))
        {
            return "it fits here, but no order of the remaining operations can follow it";
        }

        return operation.Kind switch
        {
            KvOperationKind.Get => $"the register held {Named(state)}",
            KvOperationKind.Cas when operation.Succeeded => $"it needs {Named(operation.Expected)} but the register held {Named(state)}",
            KvOperationKind.Cas => $"it failed although the register held the expected {Named(operation.Expected)}",
            _ => "the register cannot produce its answer",
        };
    }
}
