using Platform.EdgeProxy.Watching;

namespace Platform.EdgeProxy.Tests.Watching;

public sealed class EventBufferTests
{
    private static BufferedEvent Event(long revision, string key) => new(revision, key, [1, 2, 3], "{}");

    [Fact]
    public void A_watcher_at_or_above_the_floor_gets_every_later_event_in_order()
    {
        var buffer = new EventBuffer(100, 1 << 20);
        buffer.Reset(10);
        for (var revision = 11; revision <= 15; revision++)
        {
            buffer.Append(Event(revision, $"k{revision}"));
        }

        var events = new List<BufferedEvent>();
        Assert.True(buffer.After(12, string.Empty, 100, events, out var scanned));

        Assert.Equal([13L, 14L, 15L], events.Select(e => e.Revision));
        Assert.Equal(15, scanned);
    }

    [Fact]
    public void Eviction_raises_the_floor_and_a_watcher_below_it_is_told_so()
    {
        var buffer = new EventBuffer(3, 1 << 20);
        buffer.Reset(10);
        for (var revision = 11; revision <= 15; revision++)
        {
            buffer.Append(Event(revision, "k"));
        }

        // 11 and 12 were evicted: a watcher that saw 12 whole may resume, one at 11 may not.
        Assert.Equal(12, buffer.Floor);
        Assert.False(buffer.After(11, string.Empty, 100, [], out _));
        var events = new List<BufferedEvent>();
        Assert.True(buffer.After(12, string.Empty, 100, events, out _));
        Assert.Equal([13L, 14L, 15L], events.Select(e => e.Revision));
    }

    [Fact]
    public void The_byte_bound_evicts_too()
    {
        var big = new BufferedEvent(11, "k", new byte[1000], "{}");
        var buffer = new EventBuffer(100, 2 * big.Size);
        buffer.Reset(10);
        buffer.Append(big);
        buffer.Append(big with { Revision = 12 });
        buffer.Append(big with { Revision = 13 });

        Assert.Equal(2, buffer.Count);
        Assert.Equal(11, buffer.Floor);
    }

    [Fact]
    public void A_prefix_filters_but_the_scan_moves_past_what_it_skipped()
    {
        var buffer = new EventBuffer(100, 1 << 20);
        buffer.Reset(0);
        buffer.Append(Event(1, "app/a"));
        buffer.Append(Event(2, "db/b"));
        buffer.Append(Event(3, "db/c"));

        var events = new List<BufferedEvent>();
        Assert.True(buffer.After(0, "app/", 100, events, out var scanned));

        Assert.Equal(["app/a"], events.Select(e => e.Key));
        Assert.Equal(3, scanned);
    }

    [Fact]
    public void A_batch_never_splits_a_transaction()
    {
        var buffer = new EventBuffer(100, 1 << 20);
        buffer.Reset(0);
        buffer.Append(Event(1, "a"));
        buffer.Append(Event(2, "b"));
        buffer.Append(Event(2, "c"));
        buffer.Append(Event(3, "d"));

        var events = new List<BufferedEvent>();
        Assert.True(buffer.After(0, string.Empty, 2, events, out var scanned));

        // Two were asked for; the second revision has two changes and both come.
        Assert.Equal(["a", "b", "c"], events.Select(e => e.Key));
        Assert.Equal(2, scanned);
    }

    [Fact]
    public void A_reset_to_the_end_of_time_sends_every_watcher_to_relist()
    {
        var buffer = new EventBuffer(100, 1 << 20);
        buffer.Reset(0);
        buffer.Append(Event(1, "a"));
        buffer.Reset(long.MaxValue);

        Assert.False(buffer.After(1, string.Empty, 100, [], out _));
    }
}
