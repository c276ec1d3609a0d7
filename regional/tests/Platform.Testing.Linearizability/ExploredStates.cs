namespace Platform.Testing.Linearizability;

/// <summary>
/// Memo of (linearized set, register state) pairs already reached. Everything that can follow depends only on that
/// pair, so reaching it again by another order cannot succeed where the first visit failed; pruning it is what
/// keeps the search from exploding on concurrent histories.
/// </summary>
internal sealed class ExploredStates
{
    private readonly HashSet<Snapshot> seen = [];

    /// <summary>Records the pair and says whether it is new. Copies the bitset only when it is.</summary>
    public bool TryAdd(LinearizedSet linearized, int state)
    {
        var hash = linearized.HashWith(state);
        if (seen.Contains(new Snapshot(linearized.Words, state, hash)))
        {
            return false;
        }

        seen.Add(new Snapshot(linearized.CopyWords(), state, hash));
        return true;
    }

    private readonly record struct Snapshot(ReadOnlyMemory<ulong> Words, int State, int Hash)
    {
        public bool Equals(Snapshot other) =>
            Hash == other.Hash && State == other.State && Words.Span.SequenceEqual(other.Words.Span);

        public override int GetHashCode() => Hash;
    }
}
