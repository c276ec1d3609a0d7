using System.Collections.Concurrent;

namespace Platform.Regional.Security;

/// <summary>
/// How many long-lived streams one token, and one client address, may hold open on this node at
/// once: watches (SSE and long polls) and dashboard feeds. Each costs the node a connection, memory
/// and wake-ups on every apply (a feed also a status read every second), so one token could
/// otherwise tie the node up with thousands (1,000 dashboard feeds and 3,000 watches were opened by
/// one reader token in a probe), and one address holding many tokens likewise. Fleets watch through
/// the edge, which holds one upstream watch per namespace whatever its number of watchers.
/// </summary>
public sealed class StreamLimits(StreamLimits.Bounds bounds)
{
    /// <summary>The kinds of stream, each counted against its own bounds.</summary>
    public enum Kind
    {
        Watch,
        DashboardFeed,
    }

    /// <summary>The bounds, per token and per client address, of each kind of stream.</summary>
    public sealed record Bounds(int WatchesPerToken, int FeedsPerToken, int WatchesPerAddress, int FeedsPerAddress);

    private readonly ConcurrentDictionary<(string Holder, Kind Kind), int> open = new();

    /// <summary>
    /// Counts a stream <paramref name="tokenName"/> opens from <paramref name="address"/>, or returns
    /// null, with which bound refused it in <paramref name="refusal"/>, when either holds as many as it may.
    /// </summary>
    public IDisposable? TryOpen(string tokenName, string address, Kind kind, out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(tokenName);
        ArgumentNullException.ThrowIfNull(address);
        var (perToken, perAddress) = kind == Kind.Watch ? (bounds.WatchesPerToken, bounds.WatchesPerAddress) : (bounds.FeedsPerToken, bounds.FeedsPerAddress);
        var what = kind == Kind.Watch ? "watches" : "dashboard feeds";
        var token = (TokenHolder(tokenName), kind);
        if (!TryTake(token, perToken))
        {
            refusal = $"token '{tokenName}' holds {perToken} {what} open on this node, as many as one token may";
            return null;
        }

        var from = (AddressHolder(address), kind);
        if (!TryTake(from, perAddress))
        {
            Release(token);
            refusal = $"address {address} holds {perAddress} {what} open on this node, as many as one address may";
            return null;
        }

        refusal = null;
        return new Slot(this, token, from);
    }

    /// <summary>How many streams of a kind the token holds open now.</summary>
    public int Open(string tokenName, Kind kind) => open.GetValueOrDefault((TokenHolder(tokenName), kind));

    /// <summary>How many streams of a kind are open from the address now.</summary>
    public int OpenFrom(string address, Kind kind) => open.GetValueOrDefault((AddressHolder(address), kind));

    private static string TokenHolder(string tokenName) => "token:" + tokenName;

    private static string AddressHolder(string address) => "address:" + address;

    private bool TryTake((string, Kind) key, int bound)
    {
        while (true)
        {
            var count = open.GetValueOrDefault(key);
            if (count >= bound)
            {
                return false;
            }

            if (count == 0 ? open.TryAdd(key, 1) : open.TryUpdate(key, count + 1, count))
            {
                return true;
            }
        }
    }

    private void Release((string, Kind) key)
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

    private sealed class Slot(StreamLimits limits, (string, Kind) token, (string, Kind) from) : IDisposable
    {
        private int closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref closed, 1) == 0)
            {
                limits.Release(token);
                limits.Release(from);
            }
        }
    }
}
