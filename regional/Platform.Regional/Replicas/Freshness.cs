namespace Platform.Regional.Replicas;

/// <summary>
/// How fresh a follower's state is: the latest time at which it had applied everything its leader
/// had committed. The leader announces its whole commit index (in appends and heartbeats); each
/// announcement is marked with when it arrived, and once the replica has applied that far, its
/// state is known to hold everything committed before that moment. Contact with the leader alone
/// does not say this: a follower far behind, or waiting for a snapshot, hears from its leader all
/// the time.
/// </summary>
public sealed class Freshness
{
    /// <summary>Marks kept while the replica catches up; older ones go first (being fresh as of a later mark is enough).</summary>
    private const int MaxMarks = 1024;

    private readonly List<(long Commit, TimeSpan At)> marks = [];
    private long applied;

    /// <summary>The local time at which this replica was last known to hold everything then committed; null before that ever happened.</summary>
    public TimeSpan? FreshAsOf { get; private set; }

    /// <summary>The leader said, at local time <paramref name="at"/>, that it had committed through <paramref name="leaderCommit"/>.</summary>
    public void Mark(long leaderCommit, TimeSpan at)
    {
        if (marks.Count > 0 && marks[^1].Commit >= leaderCommit)
        {
            // Nothing newer to wait for: the same requirement, now known at a later time.
            if (marks[^1].Commit == leaderCommit)
            {
                marks[^1] = (leaderCommit, at);
            }
        }
        else
        {
            if (marks.Count == MaxMarks)
            {
                marks.RemoveAt(0);
            }

            marks.Add((leaderCommit, at));
        }

        Settle();
    }

    /// <summary>The replica has applied through <paramref name="index"/>.</summary>
    public void Applied(long index)
    {
        applied = Math.Max(applied, index);
        Settle();
    }

    private void Settle()
    {
        var settled = 0;
        while (settled < marks.Count && marks[settled].Commit <= applied)
        {
            FreshAsOf = FreshAsOf is { } known && known > marks[settled].At ? known : marks[settled].At;
            settled++;
        }

        marks.RemoveRange(0, settled);
    }
}
