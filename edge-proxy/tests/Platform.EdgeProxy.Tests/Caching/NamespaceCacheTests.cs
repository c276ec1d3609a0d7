using Platform.EdgeProxy.Caching;
using Platform.EdgeProxy.Watching;

namespace Platform.EdgeProxy.Tests.Caching;

public sealed class NamespaceCacheTests
{
    private static NamespaceCache Started(long after)
    {
        var cache = new NamespaceCache("app", 100, 1 << 20);
        cache.Started(after, "eu-west");
        return cache;
    }

    private static (string, CachedValue, BufferedEvent) Put(string key, string value, long revision) =>
        (key, CachedValue.Present(System.Text.Encoding.UTF8.GetBytes(value), "text/plain", revision, revision, 1, revision),
         new BufferedEvent(revision, key, [], "{}"));

    [Fact]
    public void A_slow_fetch_never_overwrites_a_newer_value_from_the_watch()
    {
        var cache = Started(10);
        var generation = cache.Generation;
        cache.Apply([Put("color", "blue", 12)]);

        // The fetch read at revision 11, before the watch's change at 12 arrived.
        var kept = cache.Offer("color", CachedValue.Present("red"u8.ToArray(), "text/plain", 5, 5, 1, 11), generation, "eu-west");

        Assert.False(kept);
        Assert.True(cache.TryGet("color", out var held));
        Assert.Equal("blue", System.Text.Encoding.UTF8.GetString(held.Value));
        Assert.Equal(12, held.ObservedAt);
    }

    [Fact]
    public void A_negative_entry_is_replaced_only_by_a_newer_answer()
    {
        var cache = Started(10);
        var generation = cache.Generation;
        Assert.True(cache.Offer("flag", CachedValue.Absent(11), generation, "eu-west"));

        // An older positive answer (read at 10) loses to the negative one read at 11; a put at 13 wins.
        Assert.False(cache.Offer("flag", CachedValue.Present("on"u8.ToArray(), "text/plain", 3, 3, 1, 10), generation, "eu-west"));
        Assert.True(cache.TryGet("flag", out var absent));
        Assert.False(absent.Exists);
        cache.Apply([Put("flag", "on", 13)]);
        Assert.True(cache.TryGet("flag", out var present));
        Assert.True(present.Exists);
    }

    [Fact]
    public void A_delete_on_the_watch_becomes_a_negative_entry_that_an_older_fetch_cannot_undo()
    {
        var cache = Started(10);
        var generation = cache.Generation;
        cache.Apply([Put("color", "blue", 11), ("color", CachedValue.Absent(12), new BufferedEvent(12, "color", [], "{}"))]);

        Assert.False(cache.Offer("color", CachedValue.Present("blue"u8.ToArray(), "text/plain", 11, 11, 1, 11), generation, "eu-west"));
        Assert.True(cache.TryGet("color", out var held));
        Assert.False(held.Exists);
        Assert.Equal(12, cache.Position);
    }

    [Fact]
    public void A_fetch_older_than_the_watch_base_is_not_kept()
    {
        // Changes between the fetch's revision and the base would never arrive on the watch.
        var cache = Started(20);
        Assert.False(cache.Offer("color", CachedValue.Present("red"u8.ToArray(), "text/plain", 5, 5, 1, 19), cache.Generation, "eu-west"));
        Assert.True(cache.Offer("color", CachedValue.Present("red"u8.ToArray(), "text/plain", 5, 5, 1, 20), cache.Generation, "eu-west"));
    }

    [Fact]
    public void Nothing_is_kept_before_the_watch_started()
    {
        var cache = new NamespaceCache("app", 100, 1 << 20);
        Assert.False(cache.Offer("color", CachedValue.Present("red"u8.ToArray(), "text/plain", 5, 5, 1, 100), cache.Generation, "eu-west"));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void A_flush_drops_every_entry_and_refuses_fetches_begun_before_it()
    {
        var cache = Started(10);
        var before = cache.Generation;
        cache.Apply([Put("color", "blue", 11)]);

        cache.Flush();
        cache.Started(1L << 40, "us-east");

        Assert.Equal(0, cache.Count);
        Assert.NotEqual(before, cache.Generation);
        Assert.False(cache.Offer("size", CachedValue.Present("xl"u8.ToArray(), "text/plain", 12, 12, 1, (1L << 40) + 5), before, "eu-west"));
        Assert.True(cache.Offer("size", CachedValue.Present("xl"u8.ToArray(), "text/plain", 12, 12, 1, (1L << 40) + 5), cache.Generation, "us-east"));
    }

    [Fact]
    public void A_resume_keeps_the_base_and_what_is_held()
    {
        var cache = Started(10);
        cache.Apply([Put("color", "blue", 11)]);
        cache.Disconnected();
        Assert.False(cache.Live);

        // The watch comes back from where it was: nothing missed, nothing dropped.
        cache.Started(11, "eu-west");

        Assert.True(cache.Live);
        Assert.Equal(10, cache.Base);
        Assert.True(cache.TryGet("color", out _));
    }

    [Fact]
    public void Eviction_frees_the_least_recently_read_and_counts_the_bytes()
    {
        var cache = Started(10);
        cache.Apply([Put("a", "1", 11), Put("b", "2", 12), Put("c", "3", 13), Put("d", "4", 14)]);
        var full = cache.Bytes;
        foreach (var key in new[] { "c", "d" })
        {
            Assert.True(cache.TryGet(key, out var read));
            read.LastRead = Environment.TickCount64 + 1000;
        }

        var freed = cache.Evict(4);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet("c", out _) && cache.TryGet("d", out _), "the recently read stay");
        Assert.Equal(full - freed, cache.Bytes);
    }

    [Fact]
    public void After_an_eviction_a_fetch_older_than_the_watch_is_refused()
    {
        // The watch put blue at 12; the entry is evicted; a fetch that read red at 11 arrives late.
        var cache = Started(10);
        var generation = cache.Generation;
        cache.Apply([Put("color", "blue", 12)]);
        cache.Evict(10);
        Assert.False(cache.TryGet("color", out _));

        Assert.False(cache.Offer("color", CachedValue.Present("red"u8.ToArray(), "text/plain", 5, 5, 1, 11), generation, "eu-west"));
        Assert.True(cache.Offer("color", CachedValue.Present("blue"u8.ToArray(), "text/plain", 12, 12, 1, 12), generation, "eu-west"));
    }

    [Fact]
    public async Task Changed_completes_when_the_watch_brings_something()
    {
        var cache = Started(10);
        var changed = cache.Changed;
        Assert.False(changed.IsCompleted);

        cache.Progress(15);

        await changed.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(15, cache.Position);
    }
}
