using Platform.Consensus;
using Platform.Regional.StateMachine;

namespace Platform.Regional.Replicas;

/// <summary>
/// Reads: linearizable read points (ReadIndex, or the lease where it holds), waiting until the
/// state machine has applied a point, and reads of the applied state under the replica's lock.
/// </summary>
public sealed partial class ReplicaCore
{
    private readonly Dictionary<long, TaskCompletionSource<long>> pendingReadIndex = [];
    private TaskCompletionSource appliedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long nextReadId;

    /// <summary>The index up to which the state machine has applied entries.</summary>
    public long AppliedIndex
    {
        get
        {
            lock (gate)
            {
                return stateMachine.AppliedIndex;
            }
        }
    }

    /// <summary>Completes at the next apply; watchers and read waiters re-check their condition then.</summary>
    public Task NextApply
    {
        get
        {
            lock (gate)
            {
                return appliedSignal.Task;
            }
        }
    }

    /// <summary>Asks this replica, if it leads, for a linearizable read point.</summary>
    public async Task<ReadIndexReply> ReadIndexAsync(TimeSpan timeout)
    {
        TaskCompletionSource<long> done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        long id;
        ReadOutcome outcome;
        string? leader;
        lock (gate)
        {
            raft.Tick(Now);
            id = ++nextReadId;
            outcome = raft.ReadIndex(id, allowLease: true);
            leader = LeaderNode(raft.Leader);
            if (outcome == ReadOutcome.Pending)
            {
                pendingReadIndex[id] = done;
            }
        }

        switch (outcome)
        {
            case ReadOutcome.NotLeader:
                return new ReadIndexReply(ReadIndexStatus.NotLeader, 0, leader);
            case ReadOutcome.Overloaded:
                return new ReadIndexReply(ReadIndexStatus.Unavailable, 0, leader);
        }

        _ = PumpAsync();
        try
        {
            var index = await TimedWait.WaitAsync(done.Task, timeout, time);
            return index < 0 ? new ReadIndexReply(ReadIndexStatus.Unavailable, 0, LeaderNode(CurrentLeader)) : new ReadIndexReply(ReadIndexStatus.Ready, index, topology.NameOf(topology.SelfId));
        }
        catch (TimeoutException)
        {
            lock (gate)
            {
                pendingReadIndex.Remove(id);
            }

            return new ReadIndexReply(ReadIndexStatus.Unavailable, 0, LeaderNode(CurrentLeader));
        }
    }

    /// <summary>Waits until this replica has applied <paramref name="index"/>; false when the wait ran out first.</summary>
    public async Task<bool> WaitAppliedAsync(long index, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (stateMachine.AppliedIndex >= index)
                {
                    return true;
                }

                next = appliedSignal.Task;
            }

            var left = timeout - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                await TimedWait.WaitAsync(next, left, time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    /// <summary>Reads the applied state under the replica's lock: the function must only read, and quickly.</summary>
    public T Read<T>(Func<GroupStateMachine, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (gate)
        {
            return read(stateMachine);
        }
    }

    /// <summary>Hands out the read points of a Ready (under the lock) and fails reads the replica gave up.</summary>
    private void ServeReads(Ready ready)
    {
        foreach (var state in ready.ReadStates)
        {
            if (pendingReadIndex.Remove(state.RequestId, out var waiting))
            {
                waiting.TrySetResult(state.Index);
            }
        }

        foreach (var abandoned in ready.AbandonedReads)
        {
            if (pendingReadIndex.Remove(abandoned, out var waiting))
            {
                waiting.TrySetResult(-1);
            }
        }
    }

    /// <summary>Wakes everyone waiting for the next apply (under the lock).</summary>
    private void SignalApplied()
    {
        var reached = appliedSignal;
        appliedSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reached.TrySetResult();
    }
}
