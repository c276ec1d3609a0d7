namespace Platform.Testing.Linearizability;

/// <summary>
/// The doubly linked list of calls and responses ordered by time, behind a sentinel head. Linearizing an operation
/// lifts its call and response out; backtracking unlifts them in reverse order, which restores the exact links
/// (dancing links), so the search never copies the list.
/// </summary>
internal sealed class EntryList
{
    private readonly Entry head = new(-1, isCall: false);

    private EntryList()
    {
    }

    public Entry? First => head.Next;

    /// <summary>
    /// Orders calls before responses at equal times: operations that merely touch count as concurrent, which avoids
    /// reporting a violation that depends on a tie the clock cannot resolve.
    /// </summary>
    public static EntryList Build(IReadOnlyList<RegisterOperation> operations)
    {
        var events = new List<(long Time, int ResponseRank, int Operation)>(operations.Count * 2);
        for (var index = 0; index < operations.Count; index++)
        {
            events.Add((operations[index].InvokedAt, 0, index));
            if (operations[index].RespondedAt is { } respondedAt)
            {
                events.Add((respondedAt, 1, index));
            }
        }

        events.Sort();

        var list = new EntryList();
        var calls = new Entry?[operations.Count];
        var last = list.head;
        foreach (var (_, responseRank, operation) in events)
        {
            var entry = new Entry(operation, isCall: responseRank == 0) { Previous = last };
            if (entry.IsCall)
            {
                calls[operation] = entry;
            }
            else
            {
                calls[operation]!.Match = entry;
            }

            last.Next = entry;
            last = entry;
        }

        return list;
    }

    public static void Lift(Entry call)
    {
        Unlink(call);
        if (call.Match is { } response)
        {
            Unlink(response);
        }
    }

    public static void Unlift(Entry call)
    {
        if (call.Match is { } response)
        {
            Relink(response);
        }

        Relink(call);
    }

    private static void Unlink(Entry entry)
    {
        entry.Previous!.Next = entry.Next;
        entry.Next?.Previous = entry.Previous;
    }

    private static void Relink(Entry entry)
    {
        entry.Previous!.Next = entry;
        entry.Next?.Previous = entry;
    }
}
