using Platform.Consensus.Tracking;

namespace Platform.Consensus.Tests.Tracking;

public sealed class ProgressTests
{
    [Fact]
    public void The_inflight_window_bounds_pipelined_appends_and_frees_on_acknowledgement()
    {
        var progress = new Progress(next: 1, maxInflight: 2, isLearner: false);
        progress.BecomeReplicate();

        progress.SentEntries(5, 5);
        progress.SentEntries(9, 4);
        Assert.True(progress.IsPaused);

        progress.Inflights.FreeUpTo(5);
        Assert.False(progress.IsPaused);
        Assert.Equal(10, progress.Next);
    }

    [Fact]
    public void A_probe_sends_one_append_at_a_time()
    {
        var progress = new Progress(next: 5, maxInflight: 4, isLearner: false);

        progress.SentEntries(6, 2);

        Assert.True(progress.IsPaused);
        Assert.Equal(5, progress.Next);
    }

    [Fact]
    public void A_rejection_in_probe_moves_next_to_just_past_the_hint()
    {
        var progress = new Progress(next: 10, maxInflight: 4, isLearner: false);

        Assert.False(progress.MaybeDecreaseTo(rejected: 7, matchHint: 3));
        Assert.True(progress.MaybeDecreaseTo(rejected: 9, matchHint: 3));
        Assert.Equal(4, progress.Next);
    }

    [Fact]
    public void A_stale_rejection_in_replicate_is_ignored()
    {
        var progress = new Progress(next: 1, maxInflight: 4, isLearner: false);
        progress.MaybeUpdate(8);
        progress.BecomeReplicate();

        Assert.False(progress.MaybeDecreaseTo(rejected: 5, matchHint: 2));
        Assert.True(progress.MaybeDecreaseTo(rejected: 12, matchHint: 2));
        Assert.Equal(9, progress.Next);
    }

    [Fact]
    public void After_a_snapshot_probing_starts_past_the_snapshot()
    {
        var progress = new Progress(next: 3, maxInflight: 4, isLearner: false);
        progress.BecomeSnapshot(50, TimeSpan.Zero);
        Assert.True(progress.IsPaused);

        progress.BecomeProbe();

        Assert.Equal(51, progress.Next);
    }

    [Fact]
    public void A_full_window_lets_one_more_through_when_the_oldest_slot_is_freed()
    {
        var inflights = new Inflights(2);
        inflights.Add(3);
        inflights.Add(6);
        Assert.True(inflights.IsFull);

        inflights.FreeFirst();

        Assert.False(inflights.IsFull);
        Assert.Equal(1, inflights.Count);
    }
}
