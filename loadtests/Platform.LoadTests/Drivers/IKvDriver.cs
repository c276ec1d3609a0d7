using Platform.LoadTests.Load;

namespace Platform.LoadTests.Drivers;

public enum ReadConsistency
{
    Linearizable,
    Serializable,
}

/// <summary>
/// One system under the versus scenario's load: a 3-member cluster reached by its own client, with its
/// members numbered 0..<see cref="Members"/>-1. Each operation goes to the member it names (a follower
/// forwards a write to its leader in both systems), so the scenario decides how load spreads.
/// </summary>
public interface IKvDriver : IAsyncDisposable
{
    /// <summary>"platform" or "etcd", as the report names it.</summary>
    string SystemName { get; }

    /// <summary>What runs, for the report (a command line, versions).</summary>
    string Setup { get; }

    int Members { get; }

    ValueTask<OpOutcome> PutAsync(int member, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken);

    /// <summary>
    /// A compare-and-swap as a client does one: read the key's modRevision (linearizable), then a transaction
    /// that puts the value only if the modRevision is still that one. A lost comparison is a <see cref="OpKind.Conflict"/>.
    /// </summary>
    ValueTask<OpOutcome> CasAsync(int member, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken);

    ValueTask<OpOutcome> GetAsync(int member, string key, ReadConsistency consistency, CancellationToken cancellationToken);

    /// <summary>A write into the watched key space; the revision it was committed at, or null when it failed.</summary>
    Task<long?> PutWatchedAsync(int member, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken);

    /// <summary>Opens <paramref name="count"/> watchers of the watched key space at member <paramref name="member"/>.</summary>
    Task<IWatchFleet> OpenWatchersAsync(int member, int count, CancellationToken cancellationToken);

    /// <summary>The member that leads the written data (the platform: the namespace's group), when every live member agrees.</summary>
    Task<int?> FindLeaderAsync(CancellationToken cancellationToken);

    /// <summary>SIGKILLs member <paramref name="member"/>'s process; false when no kill went out.</summary>
    bool KillMember(int member);
}

/// <summary>Open watchers, each noting when each revision's put reached it.</summary>
public interface IWatchFleet : IAsyncDisposable
{
    /// <summary>How the watchers are carried (connections, streams), for the report.</summary>
    string Transport { get; }

    int Opened { get; }

    /// <summary>Watchers whose stream ended or failed before the fleet was closed.</summary>
    int Ended { get; }

    string? FirstFailure { get; }

    /// <summary>Per watcher, revision to the Stopwatch ticks its put event arrived.</summary>
    IEnumerable<IReadOnlyDictionary<long, long>> Arrivals();
}
