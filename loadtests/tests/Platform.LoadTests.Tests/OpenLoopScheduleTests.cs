using Platform.LoadTests.Load;

namespace Platform.LoadTests.Tests;

public sealed class OpenLoopScheduleTests
{
    // A clock of one tick per microsecond keeps the expected offsets readable.
    private const long Frequency = 1_000_000;

    [Fact]
    public void Request_i_is_due_i_periods_after_the_start()
    {
        var schedule = new OpenLoopSchedule(1000, Frequency);

        Assert.Equal(0, schedule.IntendedOffset(0));
        Assert.Equal(1000, schedule.IntendedOffset(1));
        Assert.Equal(1_000_000, schedule.IntendedOffset(1000));
    }

    [Fact]
    public void Requests_fall_due_at_their_intended_start_not_before()
    {
        var schedule = new OpenLoopSchedule(1000, Frequency);

        Assert.Equal(0, schedule.DueBy(-1));
        Assert.Equal(1, schedule.DueBy(0));
        Assert.Equal(1, schedule.DueBy(999));
        Assert.Equal(2, schedule.DueBy(1000));
        Assert.Equal(1000, schedule.CountWithin(1_000_000));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(333.0)]
    [InlineData(1000.0)]
    [InlineData(7919.5)]
    public void Due_counts_agree_with_the_offsets_at_every_rate(double rate)
    {
        var schedule = new OpenLoopSchedule(rate, Frequency);
        for (long index = 0; index < 2000; index++)
        {
            var offset = schedule.IntendedOffset(index);
            Assert.Equal(index + 1, schedule.DueBy(offset));
            if (offset > 0 && schedule.IntendedOffset(index - 1) < offset - 1)
            {
                Assert.Equal(index, schedule.DueBy(offset - 1));
            }
        }
    }

    [Fact]
    public void A_rate_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenLoopSchedule(0, Frequency));
    }
}
