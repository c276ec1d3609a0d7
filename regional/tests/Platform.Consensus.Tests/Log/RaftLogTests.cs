using Platform.Consensus.Log;

namespace Platform.Consensus.Tests.Log;

public sealed class RaftLogTests
{
    private static Entry E(long index, long term) => Entry.Normal(index, term, new[] { (byte)index });

    private static RaftLog LogWithTerms(params long[] terms)
    {
        var log = new RaftLog(0, 0);
        for (var i = 0; i < terms.Length; i++)
        {
            log.Append(E(i + 1, terms[i]));
        }

        return log;
    }

    [Fact]
    public void Matching_entries_are_kept_and_the_first_conflict_truncates_the_rest()
    {
        var log = LogWithTerms(1, 1, 2, 2);

        var matched = log.TryAppendFromLeader(1, 1, [E(2, 1), E(3, 3)]);

        Assert.Equal(3, matched);
        Assert.Equal(3, log.LastIndex);
        Assert.Equal(3, log.TermOrZero(3));
    }

    [Fact]
    public void An_append_that_only_repeats_known_entries_does_not_truncate_a_longer_log()
    {
        var log = LogWithTerms(1, 1, 2, 2);

        var matched = log.TryAppendFromLeader(0, 0, [E(1, 1), E(2, 1)]);

        Assert.Equal(2, matched);
        Assert.Equal(4, log.LastIndex);
    }

    [Fact]
    public void A_mismatched_previous_entry_is_refused()
    {
        var log = LogWithTerms(1, 1);

        Assert.Null(log.TryAppendFromLeader(2, 2, [E(3, 2)]));
        Assert.Null(log.TryAppendFromLeader(5, 1, [E(6, 1)]));
    }

    [Fact]
    public void Overwriting_a_committed_entry_is_an_invariant_violation()
    {
        var log = LogWithTerms(1, 1, 1);
        log.CommitTo(2);

        Assert.Throws<RaftInvariantException>(() => log.TryAppendFromLeader(1, 1, [E(2, 2)]));
    }

    [Fact]
    public void Truncation_moves_the_stable_mark_back()
    {
        var log = LogWithTerms(1, 1, 1);
        log.StableTo(3, 1);

        log.TryAppendFromLeader(1, 1, [E(2, 2)]);

        Assert.Equal(1, log.StableIndex);
        Assert.Equal([2L], log.UnstableEntries().Select(e => e.Index));
    }

    [Fact]
    public void A_stable_mark_for_an_entry_replaced_meanwhile_is_ignored()
    {
        var log = LogWithTerms(1, 1, 1);
        log.TryAppendFromLeader(1, 1, [E(2, 2)]);

        log.StableTo(3, 1);

        Assert.Equal(0, log.StableIndex);
    }

    [Theory]
    [InlineData(6, 3, 6)]
    [InlineData(6, 2, 4)]
    [InlineData(6, 1, 2)]
    [InlineData(3, 2, 3)]
    [InlineData(6, 0, 0)]
    public void Conflict_search_skips_whole_terms(long index, long term, long expected)
    {
        var log = LogWithTerms(1, 1, 2, 2, 3, 3);

        Assert.Equal(expected, log.FindConflictByTerm(index, term));
    }

    [Fact]
    public void Commit_cannot_pass_the_end_and_never_goes_back()
    {
        var log = LogWithTerms(1, 1);
        log.CommitTo(2);
        log.CommitTo(1);

        Assert.Equal(2, log.Committed);
        Assert.Throws<RaftInvariantException>(() => log.CommitTo(3));
    }

    [Fact]
    public void Compaction_keeps_the_term_of_the_compaction_point_and_needs_applied_entries()
    {
        var log = LogWithTerms(1, 2, 3, 4);
        log.CommitTo(4);
        Assert.Throws<RaftInvariantException>(() => log.CompactTo(2));

        log.NextCommittedEntries(long.MaxValue);
        log.AppliedTo(4);
        log.CompactTo(2);

        Assert.Equal(3, log.FirstIndex);
        Assert.Equal(2, log.TermOrZero(2));
        Assert.False(log.TryTerm(1, out _));
        Assert.Equal(3, log.At(3).Term);
    }

    [Fact]
    public void Slices_respect_the_byte_bound_but_always_carry_one_entry()
    {
        var log = LogWithTerms(1, 1, 1, 1);

        Assert.Single(log.Slice(1, 4, 1));
        Assert.Equal(2, log.Slice(1, 4, (2 * E(1, 1).SizeBytes) + 1).Length);
        Assert.Equal(4, log.Slice(1, 4, long.MaxValue).Length);
    }

    [Fact]
    public void Up_to_date_compares_last_term_then_last_index()
    {
        var log = LogWithTerms(1, 2, 2);

        Assert.True(log.IsUpToDate(1, 3));
        Assert.True(log.IsUpToDate(3, 2));
        Assert.False(log.IsUpToDate(2, 2));
        Assert.False(log.IsUpToDate(9, 1));
    }
}
