namespace Platform.Testing.Linearizability;

/// <summary>The set of operations already placed in the order, as a bitset so it hashes and compares fast.</summary>
internal sealed class LinearizedSet(int operationCount)
{
    private readonly ulong[] words = new ulong[(operationCount + 63) / 64];

    /// <summary>A read-only view of the live bits, for probing the memo without copying.</summary>
    public ReadOnlyMemory<ulong> Words => words;

    public void Add(int operation) => words[operation / 64] |= 1UL << (operation % 64);

    public void Remove(int operation) => words[operation / 64] &= ~(1UL << (operation % 64));

    public ulong[] CopyWords() => (ulong[])words.Clone();

    public int HashWith(int state)
    {
        var hash = new HashCode();
        hash.Add(state);
        foreach (var word in words)
        {
            hash.Add(word);
        }

        return hash.ToHashCode();
    }
}
