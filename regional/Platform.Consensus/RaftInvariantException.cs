namespace Platform.Consensus;

/// <summary>
/// A broken protocol invariant. It is never caught and logged: a replica whose state is wrong
/// must stop before it acknowledges anything else.
/// </summary>
public sealed class RaftInvariantException(string message) : Exception(message)
{
}

internal static class Invariant
{
    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new RaftInvariantException(message);
        }
    }
}
