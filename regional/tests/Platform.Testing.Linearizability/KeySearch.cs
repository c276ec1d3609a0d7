namespace Platform.Testing.Linearizability;

/// <summary>
/// Wing and Gong's search with Lowe's just-in-time linearization and memoization, as in Porcupine, for one key.
/// It walks the time-ordered entries: a call may be placed next if the model accepts its answer and the resulting
/// (linearized set, state) is new; reaching a response whose call is not yet placed means the current order cannot
/// be extended, so the last placement is undone. Operations without a response have no response entry, so they
/// are placed only when that helps and never block the search.
/// </summary>
internal static class KeySearch
{
    public static KeySearchOutcome Run(IReadOnlyList<RegisterOperation> operations, long stepBudget)
    {
        var entries = EntryList.Build(operations);
        var linearized = new LinearizedSet(operations.Count);
        var explored = new ExploredStates();
        var placements = new Stack<Placement>();
        var unplacedCompleted = operations.Count(operation => !operation.IsPending);
        var state = ValueTable.Absent;
        DeadEnd? longestDeadEnd = null;
        var entry = entries.First;
        long steps = 0;

        while (unplacedCompleted > 0)
        {
            if (steps == stepBudget)
            {
                return new KeySearchOutcome(LinearizabilityVerdict.Unknown, longestDeadEnd, steps);
            }

            steps++;

            // Every scan stops at the first response still in the list, and one exists while a completed
            // operation is unplaced, so the walk cannot run off the end.
            if (entry is null)
            {
                throw new InvalidOperationException("The search walked past every response while completed operations were unplaced.");
            }

            if (entry.IsCall)
            {
                var operation = operations[entry.Operation];
                if (RegisterModel.TryApply(operation, state, out var nextState))
                {
                    linearized.Add(entry.Operation);
                    if (explored.TryAdd(linearized, nextState))
                    {
                        placements.Push(new Placement(entry, state));
                        state = nextState;
                        if (!operation.IsPending)
                        {
                            unplacedCompleted--;
                        }

                        EntryList.Lift(entry);
                        entry = entries.First;
                        continue;
                    }

                    linearized.Remove(entry.Operation);
                }

                entry = entry.Next;
                continue;
            }

            if (longestDeadEnd is null || placements.Count > longestDeadEnd.Prefix.Count)
            {
                longestDeadEnd = Capture(placements, state, entry, entries);
            }

            if (!placements.TryPop(out var undone))
            {
                return new KeySearchOutcome(LinearizabilityVerdict.Violation, longestDeadEnd, steps);
            }

            state = undone.StateBefore;
            linearized.Remove(undone.Call.Operation);
            if (!operations[undone.Call.Operation].IsPending)
            {
                unplacedCompleted++;
            }

            EntryList.Unlift(undone.Call);
            entry = undone.Call.Next;
        }

        return new KeySearchOutcome(LinearizabilityVerdict.Ok, null, steps);
    }

    private static DeadEnd Capture(Stack<Placement> placements, int state, Entry blockingResponse, EntryList entries)
    {
        // A stack enumerates from the top: reverse it to get the order in which operations took effect.
        var prefix = placements.Select(placement => placement.Call.Operation).Reverse().ToArray();
        var candidates = new List<int>();
        for (var entry = entries.First; entry is not null && entry != blockingResponse; entry = entry.Next)
        {
            if (entry.IsCall)
            {
                candidates.Add(entry.Operation);
            }
        }

        return new DeadEnd(prefix, state, blockingResponse.Operation, candidates);
    }

    /// <summary>An operation placed in the order, with the state to restore when the placement is undone.</summary>
    private readonly record struct Placement(Entry Call, int StateBefore);
}
