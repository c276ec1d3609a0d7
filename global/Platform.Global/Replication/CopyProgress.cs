
namespace Platform.Global.Replication;

/// <summary>
/// One region's copy of a namespace, as its replicator reports it to the home's nodes and its own
/// region's: the revision it applied and, while shipped changes wait to be applied, the home's
/// commit time of the oldest of them (Unix ms); and the epoch of the home whose feed it is reading
/// (-1 until that home answered: a switchover waits for the new home to serve).
/// </summary>
public sealed record CopyProgress(string Namespace, string Region, long AppliedRevision, long? OldestPendingCommittedAtMs, long FeedEpoch = -1);
