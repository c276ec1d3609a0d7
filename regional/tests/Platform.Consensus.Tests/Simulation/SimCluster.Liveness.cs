namespace Platform.Consensus.Tests.Simulation;

/// <summary>The liveness phase: with every fault healed, one leader must commit a barrier entry on every member.</summary>
public sealed partial class SimCluster
{
    private bool RunLivenessPhase()
    {
        var deadline = Now + options.LivenessBound;
        (ulong Leader, long Index, long Term)? barrier = null;
        while (Now < deadline)
        {
            RunUntil(Now + TimeSpan.FromMilliseconds(20));
            var leader = CurrentLeader();
            if (leader?.Raft is not { } raft)
            {
                continue;
            }

            if (barrier is not { } proposed || proposed.Leader != leader.Id || proposed.Term != raft.Term)
            {
                var operationId = ++nextOperationId;
                var result = raft.Propose(new KvCommand(operationId, KvCommandKind.Put, "barrier", $"b{operationId}", null).Encode());
                Process(leader);
                barrier = result.IsAccepted ? (leader.Id, result.Index, result.Term) : null;
                continue;
            }

            if (BarrierAppliedEverywhere(raft, proposed.Index, proposed.Term))
            {
                Trace.Note(Now, leader.Id, $"liveness: barrier {proposed.Index}/{proposed.Term} applied on every member");
                return true;
            }
        }

        return false;
    }

    private bool BarrierAppliedEverywhere(RaftNode leader, long index, long term)
    {
        if (leader.CommitIndex < index || leader.TermAt(index) != term && leader.CompactedIndex < index)
        {
            return false;
        }

        return leader.Configuration.Members.All(member => Node(member).Raft is { } raft && raft.AppliedIndex >= index);
    }
}
