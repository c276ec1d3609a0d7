using Platform.Consensus;
using Platform.Regional.StateMachine;

namespace Platform.Regional.Replicas;

/// <summary>
/// A write proposed through a far leader, answered where it was made: the leader only accepts it
/// into its log and says where (index and term); the proposing node's own replica commits it by
/// itself (<see cref="RaftOptions.ShareMatches"/>) and reads its outcome back when it applies that
/// index. Outcomes of recent entries are kept a while, since the entry may apply here before the
/// leader's answer arrives. Only groups whose topology shares matches keep them.
/// </summary>
public sealed partial class ReplicaCore
{
    private const int RecentOutcomesKept = 16_384;
    private readonly Dictionary<long, (long Term, GroupApplyOutcome Outcome)> recentOutcomes = [];
    private readonly Queue<long> recentOrder = new();
    private readonly Dictionary<long, List<(long Term, TaskCompletionSource<ProposeReply> Done)>> outcomeWaiters = [];

    /// <summary>At the leader: puts the command in the log and answers at once with its index and term (<see cref="ProposeStatus.Accepted"/>).</summary>
    public ProposeReply Accept(byte[] command)
    {
        ProposeResult result;
        lock (gate)
        {
            result = ProposeStamped(command);
        }

        if (!result.IsAccepted)
        {
            var status = result.Outcome == ProposeOutcome.NotLeader ? ProposeStatus.NotLeader : ProposeStatus.Refused;
            return new ProposeReply(status, LeaderNode(result.LeaderHint), 0, null, result.Problem ?? result.Outcome.ToString());
        }

        _ = PumpAsync();
        return new ProposeReply(ProposeStatus.Accepted, topology.NameOf(topology.SelfId), result.Index, null, null) { Term = result.Term };
    }

    /// <summary>
    /// Waits until this replica applies <paramref name="index"/>: the outcome when the entry there is
    /// of <paramref name="term"/> (the accepted proposal), <see cref="ProposeStatus.Lost"/> when another
    /// entry took the index (it never committed), <see cref="ProposeStatus.Unknown"/> when a snapshot
    /// covered it or the time ran out.
    /// </summary>
    public async Task<ProposeReply> WaitOutcomeAsync(long index, long term, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<ProposeReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (recentOutcomes.TryGetValue(index, out var known))
            {
                return Answer(index, term, known.Term, known.Outcome);
            }

            if (stateMachine.AppliedIndex >= index)
            {
                return Unknown(index, "this replica applied the entry before its outcome could be kept");
            }

            if (!outcomeWaiters.TryGetValue(index, out var waiting))
            {
                outcomeWaiters[index] = waiting = [];
            }

            waiting.Add((term, done));
        }

        try
        {
            return await TimedWait.WaitAsync(done.Task, timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return Unknown(index, $"this replica did not apply index {index} within {timeout.TotalSeconds:0.#} s");
        }
        finally
        {
            lock (gate)
            {
                if (outcomeWaiters.TryGetValue(index, out var waiting) && waiting.RemoveAll(w => w.Done == done) > 0 && waiting.Count == 0)
                {
                    outcomeWaiters.Remove(index);
                }
            }
        }
    }

    /// <summary>Under the lock, as each entry applies: keeps its outcome and answers whoever waits for it.</summary>
    private void KeepOutcome(long index, long entryTerm, GroupApplyOutcome outcome)
    {
        if (!topology.ShareMatches)
        {
            return;
        }

        recentOutcomes[index] = (entryTerm, outcome);
        recentOrder.Enqueue(index);
        while (recentOrder.Count > RecentOutcomesKept)
        {
            recentOutcomes.Remove(recentOrder.Dequeue());
        }

        if (outcomeWaiters.Remove(index, out var waiting))
        {
            foreach (var (term, done) in waiting)
            {
                done.TrySetResult(Answer(index, term, entryTerm, outcome));
            }
        }
    }

    /// <summary>Under the lock, when a snapshot replaces the state: what waits at or below it has no outcome to read here.</summary>
    private void ForgetOutcomesThrough(long snapshotIndex)
    {
        foreach (var index in outcomeWaiters.Keys.Where(i => i <= snapshotIndex).ToList())
        {
            outcomeWaiters.Remove(index, out var waiting);
            foreach (var (_, done) in waiting!)
            {
                done.TrySetResult(Unknown(index, "a snapshot replaced the log before this replica saw the entry's outcome"));
            }
        }
    }

    private ProposeReply Answer(long index, long expectedTerm, long entryTerm, GroupApplyOutcome outcome) =>
        entryTerm == expectedTerm
            ? new ProposeReply(ProposeStatus.Applied, topology.NameOf(topology.SelfId), index, outcome.Write, outcome.Problem)
            : new ProposeReply(ProposeStatus.Lost, LeaderNode(CurrentLeader), index, null, "another entry took the proposal's place in the log");

    private ProposeReply Unknown(long index, string why) => new(ProposeStatus.Unknown, LeaderNode(CurrentLeader), index, null, why);
}
