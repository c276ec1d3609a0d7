using Platform.Consensus.Messages;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>
/// Checks beyond Raft's classic safety properties, each aimed at a rule that linearizability alone
/// catches only by luck (found by mutation testing the core):
/// lease exclusivity, the current-term commit rule, read freshness, CheckQuorum, and the leader
/// counting only durable entries of its own.
/// </summary>
public sealed partial class SimCluster
{
    private readonly Dictionary<long, long> readFloors = [];
    private readonly Dictionary<(ulong Leader, ulong From), TimeSpan> lastHeardFrom = [];
    private readonly Dictionary<ulong, TimeSpan> leaderSince = [];
    private readonly Dictionary<ulong, TimeSpan> wokeAt = [];
    private readonly Dictionary<ulong, (string Voters, TimeSpan Since)> configurationSeen = [];
    private long highestCommitted;

    /// <summary>When a replica becomes leader, no leader of a lower term may still hold a valid lease (read on its own running clock).</summary>
    private void CheckLeaseExclusive(SimNode elected, RaftNode raft)
    {
        leaderSince[elected.Id] = Now;
        foreach (var other in nodes)
        {
            if (other != elected && other.Raft is { Role: Role.Leader } old && old.Term < raft.Term && old.LeaseValidAt(other.Clock.Read(Now)))
            {
                throw new SimulationFailureException($"lease safety: replica {other.Id} still holds a valid lease of term {old.Term} when replica {elected.Id} became leader of term {raft.Term}");
            }
        }
    }

    /// <summary>A leader moves its commit index only onto an entry of its own term (Raft, section 5.4.2).</summary>
    private void CheckCommitRule(SimNode node, RaftNode raft)
    {
        if (raft.Role == Role.Leader && raft.CommitIndex > node.LastCommitSeen
            && raft.CommitIndex > raft.CompactedIndex && raft.TermAt(raft.CommitIndex) != raft.Term)
        {
            throw new SimulationFailureException($"commit rule: leader {node.Id} of term {raft.Term} committed {raft.CommitIndex} of term {raft.TermAt(raft.CommitIndex)} by counting");
        }

        highestCommitted = Math.Max(highestCommitted, raft.CommitIndex);
    }

    private void OnReadRequested(long requestId) => readFloors[requestId] = highestCommitted;

    /// <summary>A read point covers everything committed anywhere before the read reached the leader.</summary>
    private void CheckReadFresh(SimNode node, ReadState readState)
    {
        if (readFloors.Remove(readState.RequestId, out var floor) && readState.Index < floor)
        {
            throw new SimulationFailureException($"read freshness: replica {node.Id} gave read point {readState.Index} ({(readState.ViaLease ? "lease" : "ReadIndex")}) but {floor} was committed before the read arrived");
        }
    }

    private void OnDelivered(SimNode target, RaftNode raft, Message message)
    {
        if (message.Type is MessageType.AppendResponse or MessageType.HeartbeatResponse && message.Term == raft.Term)
        {
            lastHeardFrom[(target.Id, message.From)] = Now;
        }
    }

    private void OnWoke(SimNode node) => wokeAt[node.Id] = Now;

    /// <summary>
    /// CheckQuorum: a running leader that heard from no quorum of voters for two election timeouts
    /// (stretched by the clock error, plus tick jitter) must have stepped down.
    /// </summary>
    private void CheckQuorumStepDown(SimNode node)
    {
        if (node.Paused || node.Raft is not { Role: Role.Leader } raft)
        {
            return;
        }

        var voters = raft.Configuration.Voters;
        var key = string.Join(',', voters);
        if (!configurationSeen.TryGetValue(node.Id, out var seen) || seen.Voters != key)
        {
            configurationSeen[node.Id] = seen = (key, Now);
        }

        var othersNeeded = (voters.Length / 2) + 1 - (voters.Contains(node.Id) ? 1 : 0);
        var heard = voters.Where(v => v != node.Id).Select(v => lastHeardFrom.GetValueOrDefault((node.Id, v), TimeSpan.Zero)).OrderDescending().ToList();
        var quorumHeard = othersNeeded <= 0 ? Now : heard.Count >= othersNeeded ? heard[othersNeeded - 1] : TimeSpan.Zero;
        var since = new[] { quorumHeard, leaderSince.GetValueOrDefault(node.Id), wokeAt.GetValueOrDefault(node.Id), seen.Since }.Max();
        var bound = (options.MinElectionTimeout * 2 / (1 - options.ClockRateErrorBound)) + (options.TickInterval * 3);
        if (Now - since > bound)
        {
            throw new SimulationFailureException($"check quorum: leader {node.Id} of term {raft.Term} has heard from no quorum for {(Now - since).TotalMilliseconds:F0}ms");
        }
    }

    /// <summary>The leader's own progress never counts entries that are not on its disk yet.</summary>
    private static void CheckLeaderCountsOnlyDurable(SimNode node, RaftNode raft)
    {
        if (raft.SelfMatch > raft.StableIndex)
        {
            throw new SimulationFailureException($"self match: leader {node.Id} counts index {raft.SelfMatch} but only {raft.StableIndex} is durable");
        }
    }
}
