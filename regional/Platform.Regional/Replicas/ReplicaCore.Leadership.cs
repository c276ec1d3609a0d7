using Microsoft.Extensions.Logging;
using Platform.Consensus;

namespace Platform.Regional.Replicas;

/// <summary>
/// Spreads the region's group leaders over its nodes: group g prefers the node at position
/// g mod N, and a leader hands over to it once that replica is caught up. Without this, whichever
/// node started first would lead every group and carry every write.
/// </summary>
public sealed partial class ReplicaCore
{
    /// <summary>How long a new leader settles before it considers handing over, and the pause after an attempt.</summary>
    private static readonly TimeSpan SpreadPause = TimeSpan.FromSeconds(3);

    private TimeSpan nextSpreadCheck = SpreadPause;
    private ulong lastSeenLeader;

    /// <summary>The voter that should lead this group when it is healthy (its topology says which), or 0.</summary>
    private ulong PreferredLeader => topology.PreferredLeader(raft.Configuration);

    /// <summary>Called under the lock on every tick.</summary>
    private void SpreadLeadership()
    {
        if (raft.Leader != lastSeenLeader)
        {
            lastSeenLeader = raft.Leader;
            nextSpreadCheck = Now + SpreadPause;
            if (raft.Leader != ReplicaId.None)
            {
                metrics.LeaderChanges.Add(1, new KeyValuePair<string, object?>("group", group));
            }
        }

        if (raft.Role != Role.Leader || Now < nextSpreadCheck || PreferredLeader == ReplicaId.None || raft.Id == PreferredLeader)
        {
            return;
        }

        nextSpreadCheck = Now + SpreadPause;
        var target = raft.ProgressSnapshot().FirstOrDefault(p => p.Replica == PreferredLeader);
        if (target.Match == raft.LastIndex && target.State == "Replicate")
        {
            var node = topology.NameOf(PreferredLeader);
            LogTransfer(logger, group, node);
            raft.TransferLeadership(PreferredLeader);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "group {Group}: handing leadership to its preferred node {Node}")]
    private static partial void LogTransfer(ILogger logger, ulong group, string node);
}
