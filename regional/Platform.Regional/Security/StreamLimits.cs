using System.Collections.Concurrent;

namespace Platform.Regional.Security;

/// <summary>
/// How many long-lived streams one token may hold open on this node at once: watches (SSE and long
/// polls) and dashboard feeds. Each costs the node a connection, memory and wake-ups on every apply
/// (a feed also a status read every second), so one token could otherwise tie the node up with
/// thousands (1,000 dashboard feeds and 3,000 watches were opened by one reader token in a probe).
/// Fleets watch through the edge, which holds one upstream watch per namespace whatever its
/// number of watchers.
/// </summary>
public sealed class StreamLimits(int maxWatchesPerToken, int maxFeedsPerToken)
{
    /// <summary>The kinds of stream, each counted against its own bound.</summary>
    public enum Kind
    {
        Watch,
        DashboardFeed,
    }

    private readonly ConcurrentDictionary<(string Token, Kind Kind), int> open = new();

    /// <summary>Counts a stream the token opens, or returns null when it holds as many as it may.</summary>
    public IDisposable? TryOpen(string tokenName, Kind kind)
    {
        var bound = kind == Kind.Watch ? maxWatchesPerToken : maxFeedsPerToken;
        var key = (tokenName, kind);
        while (true)
        {
            var count = open.GetValueOrDefault(key);
            if (count >= bound)
            {
                return null;
            }

            if (count == 0 ? open.TryAdd(key, 1) : open.TryUpdate(key, count + 1, count))
            {
                return new Slot(this, key);
            }
        }
    }

    /// <summary>How many streams of a kind the token holds open now.</summary>
    public int Open(string tokenName, Kind kind) => open.GetValueOrDefault((tokenName, kind));

    private void Close((string Token, Kind Kind) key)
    {
        while (true)
        {
            var count = open.GetValueOrDefault(key);
            if (count <= 1 ? open.TryRemove(new KeyValuePair<(string, Kind), int>(key, count)) : open.TryUpdate(key, count - 1, count))
            {
                return;
            }
        }
    }

    private sealed class Slot(StreamLimits limits, (string Token, Kind Kind) key) : IDisposable
    {
        private int closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref closed, 1) == 0)
            {
                limits.Close(key);
            }
        }
    }
}
