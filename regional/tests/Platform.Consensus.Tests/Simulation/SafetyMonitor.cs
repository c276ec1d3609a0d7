using Platform.Consensus.Log;

namespace Platform.Consensus.Tests.Simulation;

/// <summary>
/// Raft's safety properties, checked as the run goes: election safety (one leader per term),
/// log matching (one entry per (index, term)), state machine safety (every replica applies the
/// same entry at each index), leader completeness (a new leader holds every applied entry) and
/// monotonic commit. A violation throws at once, so the trace ends where the bug shows.
/// </summary>
public sealed class SafetyMonitor
{
    private readonly Dictionary<long, ulong> leaderOfTerm = [];
    private readonly Dictionary<(long Index, long Term), ReadOnlyMemory<byte>> entryAt = [];
    private readonly List<(long Term, ReadOnlyMemory<byte> Data)?> appliedAt = [null];

    // Per applied index, the lowest term any replica was in when it applied it: an upper bound on
    // the term in which the entry committed. Leader completeness is owed to leaders of later terms.
    private readonly List<long> knownCommittedBy = [0];

    public long HighestApplied => appliedAt.Count - 1;

    public int LeadersElected => leaderOfTerm.Count;

    public void OnLeader(long term, ulong leader, RaftNode node)
    {
        if (leaderOfTerm.TryGetValue(term, out var existing) && existing != leader)
        {
            throw new SimulationFailureException($"election safety: replicas {existing} and {leader} both led term {term}");
        }

        leaderOfTerm[term] = leader;
        for (var index = node.CompactedIndex + 1; index <= HighestApplied; index++)
        {
            if (knownCommittedBy[(int)index] >= term)
            {
                // Committed in this term or later (a replica can win an old term after waking from a pause).
                continue;
            }

            var applied = appliedAt[(int)index]!.Value;
            if (node.TermAt(index) != applied.Term)
            {
                throw new SimulationFailureException($"leader completeness: leader {leader} of term {term} has term {node.TermAt(index)} at applied index {index}, which holds term {applied.Term}");
            }
        }
    }

    public void OnPersisted(ulong node, Entry entry)
    {
        if (entryAt.TryGetValue((entry.Index, entry.Term), out var data))
        {
            if (!data.Span.SequenceEqual(entry.Data.Span))
            {
                throw new SimulationFailureException($"log matching: replica {node} persisted a different entry at {entry.Index}/{entry.Term}");
            }
        }
        else
        {
            entryAt[(entry.Index, entry.Term)] = entry.Data;
        }
    }

    public void OnApplied(ulong node, Entry entry, long applierTerm)
    {
        if (entry.Index < appliedAt.Count)
        {
            knownCommittedBy[(int)entry.Index] = Math.Min(knownCommittedBy[(int)entry.Index], applierTerm);
            var applied = appliedAt[(int)entry.Index]!.Value;
            if (applied.Term != entry.Term || !applied.Data.Span.SequenceEqual(entry.Data.Span))
            {
                throw new SimulationFailureException($"state machine safety: replica {node} applied {entry.Index}/{entry.Term}, others applied {entry.Index}/{applied.Term}");
            }

            return;
        }

        if (entry.Index != appliedAt.Count)
        {
            throw new SimulationFailureException($"state machine safety: replica {node} applied {entry.Index} before anyone applied {appliedAt.Count}");
        }

        appliedAt.Add((entry.Term, entry.Data));
        knownCommittedBy.Add(applierTerm);
    }

    /// <summary>Snapshots skip entries: the replica's state at the snapshot index stands for them.</summary>
    public void OnSnapshotInstalled(ulong node, Snapshot snapshot)
    {
        var index = snapshot.Metadata.Index;
        if (index < appliedAt.Count && appliedAt[(int)index]!.Value.Term != snapshot.Metadata.Term)
        {
            throw new SimulationFailureException($"state machine safety: replica {node} installed a snapshot at {index}/{snapshot.Metadata.Term}, others applied term {appliedAt[(int)index]!.Value.Term} there");
        }

        if (index >= appliedAt.Count)
        {
            throw new SimulationFailureException($"state machine safety: replica {node} installed a snapshot at {index}, past anything applied anywhere ({HighestApplied})");
        }
    }

    public static void CheckCommitMonotonic(SimNode node)
    {
        var commit = node.Raft!.CommitIndex;
        if (commit < node.LastCommitSeen)
        {
            throw new SimulationFailureException($"commit went back on replica {node.Id}: {node.LastCommitSeen} -> {commit}");
        }

        node.LastCommitSeen = commit;
    }
}
