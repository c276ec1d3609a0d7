using Platform.Regional.Replicas;

namespace Platform.Regional.Tests.Replicas;

/// <summary>
/// A leader stamps the group's ageing clock as it found it applied at the start of its own term,
/// plus the time elapsed since on its boot clock; before that it stamps nothing.
/// </summary>
public sealed class AgeingStampsTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public void A_leader_stamps_nothing_until_the_first_entry_of_its_term_has_applied()
    {
        var stamps = new AgeingStamps();

        // Entries of an earlier term apply while this node already leads term 2.
        stamps.Applied(entryTerm: 1, leading: true, leaderTerm: 2, clockMs: 5_000, now: Minute);
        Assert.Null(stamps.Stamp(2, 2 * Minute));

        stamps.Applied(entryTerm: 2, leading: true, leaderTerm: 2, clockMs: 7_000, now: 3 * Minute);
        Assert.Equal(7_000, stamps.Stamp(2, 3 * Minute));
        Assert.Equal(7_000 + (long)(2 * Minute).TotalMilliseconds, stamps.Stamp(2, 5 * Minute));
    }

    [Fact]
    public void A_follower_takes_no_base_and_a_leader_of_a_later_term_takes_a_new_one()
    {
        var stamps = new AgeingStamps();
        stamps.Applied(entryTerm: 3, leading: false, leaderTerm: 3, clockMs: 1_000, now: Minute);
        Assert.Null(stamps.Stamp(3, Minute));

        stamps.Applied(entryTerm: 4, leading: true, leaderTerm: 4, clockMs: 2_000, now: Minute);

        // Ten hours later this node leads again: its old reading does not count those hours, which
        // other leaders may have counted already; the clock as applied at its new term does.
        var later = Minute + TimeSpan.FromHours(10);
        Assert.Null(stamps.Stamp(6, later));
        stamps.Applied(entryTerm: 6, leading: true, leaderTerm: 6, clockMs: 2_500, now: later);
        Assert.Equal(2_500, stamps.Stamp(6, later));
        Assert.Null(stamps.Stamp(4, later));
    }
}
