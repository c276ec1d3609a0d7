namespace Platform.Consensus;

/// <summary>What a replica must have on disk before it sends anything that depends on it.</summary>
/// <param name="Term">The latest term this replica has seen.</param>
/// <param name="Vote">The replica it voted for in <paramref name="Term"/>, or <see cref="ReplicaId.None"/>.</param>
/// <param name="Commit">The highest index known committed (an optimization; recovery does not depend on it being current).</param>
public readonly record struct HardState(long Term, ulong Vote, long Commit)
{
    public static readonly HardState Empty = new(0, ReplicaId.None, 0);
}

/// <summary>Replica identities. A replica id names one (group, disk) pair; zero means nobody.</summary>
public static class ReplicaId
{
    public const ulong None = 0;
}
