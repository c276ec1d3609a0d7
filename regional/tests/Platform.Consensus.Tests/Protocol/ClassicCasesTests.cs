using Platform.Consensus.Messages;

namespace Platform.Consensus.Tests.Protocol;

/// <summary>The classic tricky cases of Raft, each scripted message by message.</summary>
public sealed class ClassicCasesTests
{
    [Fact]
    public void A_leader_replicates_and_every_replica_applies_in_order()
    {
        var cluster = new ScriptedCluster(3);
        cluster.Elect(1);

        Assert.True(cluster.Propose(1, "a").IsAccepted);
        Assert.True(cluster.Propose(1, "b").IsAccepted);
        cluster.Stabilize();
        cluster.Elapse(TimeSpan.FromMilliseconds(200), deliver: true);

        foreach (var id in new ulong[] { 1, 2, 3 })
        {
            Assert.Equal(["", "a", "b"], cluster.Applied(id).Select(ScriptedCluster.Text));
        }
    }

    /// <summary>
    /// Figure 8 of the Raft paper: an entry of an old term stored on a majority is still not
    /// committed by counting replicas, because a later leader may overwrite it.
    /// </summary>
    [Fact]
    public void Figure_8_an_old_term_entry_on_a_majority_is_not_committed_by_counting()
    {
        // S1 campaigns first, then S5, then the others.
        var cluster = new ScriptedCluster(
            5,
            id => ScriptedCluster.DefaultOptions(id) with { MaxMessageBytes = 1 },
            electionRank: id => id switch { 1 => 0, 5 => 1, _ => (int)id });
        cluster.Elect(1);
        var firstTerm = cluster[1].Term;

        // (a) S1 appends index 2 in its term and reaches only S2; then S1 crashes.
        var old = cluster.Propose(1, "old");
        Assert.Equal(2, old.Index);
        cluster.DeliverWhere(m => m.Type == MessageType.Append && m.To == 2);
        cluster.DropWhere(_ => true);
        cluster.Crash(1);

        // (b) S5 wins with S3 and S4 (S2's log is more up to date, so S2 would refuse), appends
        // its own index 2 (its no-op) in a newer term, and crashes before replicating it.
        cluster.Pause(2);
        cluster.Elapse(TimeSpan.FromMilliseconds(1150), tickOnly: [5], deliver: true, drop: m => m.Type is MessageType.Append or MessageType.Heartbeat);
        Assert.Equal(Role.Leader, cluster[5].Role);
        Assert.Equal(2, cluster[5].LastIndex);
        cluster.Crash(5);

        // (c) S1 restarts, wins a third term, and copies its old index 2 to S3: now S1, S2, S3
        // (a majority) hold it, but entries of its own term do not reach anyone yet.
        // Its first pre-vote (for term 2) is refused by S3 and S4, which are already in term 2;
        // it adopts term 2 from their answers and wins term 3 at its next timeout.
        // Appends that would give a replica holding index 2 anything of S1's new term are lost.
        bool LoseNewTermEntries(Message m) =>
            m.Type == MessageType.Append && m.Entries.Any(e => e.Index >= 3) && cluster.IsUp(m.To) && cluster[m.To].LastIndex >= 2;
        cluster.Restart(1);
        cluster.Elapse(TimeSpan.FromMilliseconds(2100), tickOnly: [1], deliver: true, drop: LoseNewTermEntries);
        Assert.Equal(Role.Leader, cluster[1].Role);
        cluster.Resume(2);
        cluster.Elapse(TimeSpan.FromMilliseconds(300), tickOnly: [1], deliver: true, drop: LoseNewTermEntries);
        cluster.Stabilize(drop: LoseNewTermEntries);
        Assert.True(cluster[1].Term > firstTerm + 1);
        Assert.Equal(firstTerm, cluster[3].TermAt(2));
        Assert.True(cluster[1].CommitIndex < 2, "an entry of an older term must not commit by counting replicas");

        // (d) S5 restarts and hears S1's heartbeats (its appends are lost), so it is in S1's term
        // with its own, newer-termed index 2. S1 crashes; S5 wins with S2, S3, S4 (its last log
        // term is newer) and overwrites index 2 everywhere. The old entry was never applied.
        cluster.Restart(5);
        cluster.Elapse(TimeSpan.FromMilliseconds(300), deliver: true, drop: m => LoseNewTermEntries(m) || (m.Type == MessageType.Append && m.To == 5));
        Assert.Equal(cluster[1].Term, cluster[5].Term);
        Assert.True(cluster[1].CommitIndex < 2);
        cluster.Crash(1);
        cluster.Elapse(TimeSpan.FromMilliseconds(1300), deliver: true);
        cluster.Stabilize();
        cluster.Elapse(TimeSpan.FromMilliseconds(300), deliver: true);
        Assert.Equal(Role.Leader, cluster[5].Role);
        foreach (var id in new ulong[] { 2, 3, 4, 5 })
        {
            Assert.NotEqual(firstTerm, cluster[id].TermAt(2));
            Assert.DoesNotContain(cluster.Applied(id), e => ScriptedCluster.Text(e) == "old");
            Assert.True(cluster[id].CommitIndex >= 2);
        }
    }

    [Fact]
    public void A_stale_leader_cut_off_by_a_partition_commits_nothing_and_yields_when_it_heals()
    {
        var cluster = new ScriptedCluster(3);
        cluster.Elect(1);
        var oldTerm = cluster[1].Term;

        cluster.Isolate(1);
        var stale = cluster.Propose(1, "stale");
        Assert.True(stale.IsAccepted, "the old leader does not know yet that it is cut off");
        cluster.Elapse(TimeSpan.FromMilliseconds(4000), deliver: true);
        var newLeader = new ulong[] { 2, 3 }.Single(id => cluster[id].Role == Role.Leader);
        Assert.NotEqual(Role.Leader, cluster[1].Role);
        Assert.True(cluster.Propose(newLeader, "fresh").IsAccepted);
        cluster.Stabilize();

        cluster.Heal();
        cluster.Elapse(TimeSpan.FromMilliseconds(500), deliver: true);
        Assert.True(cluster[1].Term > oldTerm);
        Assert.Equal(newLeader, cluster[1].Leader);
        foreach (var id in new ulong[] { 1, 2, 3 })
        {
            Assert.DoesNotContain(cluster.Applied(id), e => ScriptedCluster.Text(e) == "stale");
            Assert.Contains(cluster.Applied(id), e => ScriptedCluster.Text(e) == "fresh");
        }
    }

    [Fact]
    public void A_leader_frozen_past_its_lease_wakes_with_no_lease_and_an_old_term()
    {
        var cluster = new ScriptedCluster(3);
        cluster.Elect(1);
        cluster.Elapse(TimeSpan.FromMilliseconds(300), deliver: true);
        Assert.True(cluster[1].LeaseValid());

        cluster.Pause(1);
        cluster.Elapse(TimeSpan.FromMilliseconds(4000), deliver: true);
        Assert.Contains(new ulong[] { 2, 3 }, id => cluster[id].Role == Role.Leader);

        // The paused replica's clock kept running: on waking its lease has long expired, and the
        // first answer it gets carries the new term.
        cluster.Resume(1);
        Assert.False(cluster[1].LeaseValid());
        cluster.Elapse(TimeSpan.FromMilliseconds(300), deliver: true);
        Assert.NotEqual(Role.Leader, cluster[1].Role);
    }

    [Fact]
    public void PreVote_keeps_a_rejoining_replica_from_disturbing_a_healthy_leader()
    {
        var cluster = new ScriptedCluster(3);
        cluster.Elect(1);
        var term = cluster[1].Term;

        cluster.Isolate(3);
        cluster.Elapse(TimeSpan.FromSeconds(10), deliver: true);
        Assert.Equal(term, cluster[3].Term);
        Assert.NotEqual(Role.Leader, cluster[3].Role);

        cluster.Heal();
        cluster.Elapse(TimeSpan.FromSeconds(2), deliver: true);
        Assert.Equal(Role.Leader, cluster[1].Role);
        Assert.Equal(term, cluster[1].Term);
        Assert.Equal(1UL, cluster[3].Leader);
    }

    /// <summary>
    /// A follower that wakes from a pause longer than two election timeouts campaigns at once, with
    /// a log as complete as the leader's (nothing was written meanwhile). The other follower hears
    /// the leader and ignores it; the leader must ignore it too, since it is itself the leader it is
    /// in contact with (etcd's in-lease check covers the leader). Granting its PreVote and then its
    /// Vote would depose a healthy leader: one needless election and a write stall.
    /// </summary>
    [Fact]
    public void A_follower_waking_from_a_long_pause_does_not_depose_a_healthy_leader()
    {
        var cluster = new ScriptedCluster(3);
        cluster.Elect(1);
        var term = cluster[1].Term;

        cluster.Pause(3);
        cluster.Elapse(ScriptedCluster.MinElectionTimeout * 2.5, deliver: true);
        Assert.Equal(Role.Leader, cluster[1].Role);

        // Waking, the follower ticks before it hears anything: its election timer has long expired.
        cluster.Resume(3);
        Assert.Equal(Role.PreCandidate, cluster[3].Role);
        cluster.Elapse(TimeSpan.FromMilliseconds(300), deliver: true);

        Assert.True(cluster[1].Role == Role.Leader && cluster[1].Term == term, $"the healthy leader was deposed: replica 1 is {cluster[1].Role} at term {cluster[1].Term} (was leader at term {term}); replica 3 is {cluster[3].Role} at term {cluster[3].Term}");
        Assert.Equal(term, cluster[3].Term);

        // No stall: the leader takes and commits a write at once.
        var written = cluster.Propose(1, "right after the wake");
        Assert.True(written.IsAccepted);
        cluster.Stabilize();
        Assert.True(cluster[1].CommitIndex >= written.Index, "the write proposed after the follower woke did not commit");
        Assert.Equal(1UL, cluster[3].Leader);
        Assert.Contains(cluster.Applied(3), e => ScriptedCluster.Text(e) == "right after the wake");
    }

    [Fact]
    public void No_other_leader_is_elected_while_the_old_leader_still_holds_its_lease()
    {
        var cluster = new ScriptedCluster(3);
        cluster.Elect(1);
        cluster.Elapse(TimeSpan.FromMilliseconds(300), deliver: true);
        cluster.Act(1, r => Assert.Equal(ReadOutcome.Pending, r.ReadIndex(42, allowLease: true)));
        Assert.Contains(cluster.ReadStates(1), s => s.RequestId == 42 && s.ViaLease);

        cluster.Isolate(1);
        var leaseEndedAt = TimeSpan.Zero;
        var newLeaderAt = TimeSpan.Zero;
        for (var step = 0; step < 500 && newLeaderAt == TimeSpan.Zero; step++)
        {
            cluster.Elapse(TimeSpan.FromMilliseconds(10), deliver: true);
            if (leaseEndedAt == TimeSpan.Zero && !cluster[1].LeaseValid())
            {
                leaseEndedAt = cluster.Now;
            }

            if (cluster[2].Role == Role.Leader || cluster[3].Role == Role.Leader)
            {
                newLeaderAt = cluster.Now;
            }
        }

        Assert.NotEqual(TimeSpan.Zero, newLeaderAt);
        Assert.True(leaseEndedAt > TimeSpan.Zero && leaseEndedAt < newLeaderAt, $"lease ended at {leaseEndedAt}, new leader at {newLeaderAt}");
    }

    [Fact]
    public void A_snapshot_brings_a_follower_back_after_the_log_it_needs_was_compacted()
    {
        var cluster = new ScriptedCluster(3);
        cluster.Elect(1);
        cluster.Isolate(3);
        for (var i = 0; i < 30; i++)
        {
            cluster.Propose(1, $"e{i}");
            cluster.Stabilize();
        }

        var applied = cluster[1].AppliedIndex;
        cluster.Act(1, r =>
        {
            r.CreateSnapshot(applied, "state"u8.ToArray());
            r.CompactLog(applied);
        });
        Assert.True(cluster[1].FirstIndex > cluster[3].LastIndex + 1);

        cluster.Heal();
        cluster.Elapse(TimeSpan.FromMilliseconds(500), deliver: true);

        Assert.Equal(1, cluster.DeliveredCount.GetValueOrDefault(MessageType.InstallSnapshot));
        Assert.Equal(cluster[1].CommitIndex, cluster[3].CommitIndex);
        Assert.Equal(applied, cluster.Applied(3)[0].Index);
        Assert.Equal("state", ScriptedCluster.Text(cluster.Applied(3)[0]));
    }

    [Fact]
    public void Leadership_transfer_hands_over_and_ends_the_old_leaders_lease()
    {
        var cluster = new ScriptedCluster(3);
        cluster.Elect(1);
        cluster.Elapse(TimeSpan.FromMilliseconds(300), deliver: true);
        var term = cluster[1].Term;

        cluster.Act(1, r => Assert.Equal(TransferOutcome.Started, r.TransferLeadership(3)));
        Assert.False(cluster[1].LeaseValid());
        Assert.Equal(ProposeOutcome.TransferInProgress, cluster.Propose(1, "x").Outcome);
        cluster.Stabilize();

        Assert.Equal(Role.Leader, cluster[3].Role);
        Assert.Equal(term + 1, cluster[3].Term);
        Assert.Equal(3UL, cluster[1].Leader);
    }
}
