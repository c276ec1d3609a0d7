namespace Platform.Consensus.Tracking;

/// <summary>
/// The append messages in flight to one follower, by their last index: a bounded window, so a
/// slow follower cannot make the leader queue unbounded data (flow control).
/// </summary>
internal sealed class Inflights(int capacity)
{
    private readonly long[] lastIndices = new long[capacity];
    private int start;
    private int count;

    public bool IsFull => count == capacity;

    public int Count => count;

    public void Add(long lastIndex)
    {
        Invariant.Require(!IsFull, "inflight window overflow");
        lastIndices[(start + count) % capacity] = lastIndex;
        count++;
    }

    /// <summary>Frees every message whose last index is at or below <paramref name="index"/> (acknowledged).</summary>
    public void FreeUpTo(long index)
    {
        while (count > 0 && lastIndices[start] <= index)
        {
            start = (start + 1) % capacity;
            count--;
        }
    }

    /// <summary>
    /// Frees the oldest slot. A heartbeat answer proves the follower is alive while the window is
    /// full: appends may have been lost, so let one more through; if it leaves a gap the follower
    /// rejects it and the leader falls back to probing.
    /// </summary>
    public void FreeFirst()
    {
        if (count > 0)
        {
            start = (start + 1) % capacity;
            count--;
        }
    }

    public void Reset()
    {
        start = 0;
        count = 0;
    }
}
