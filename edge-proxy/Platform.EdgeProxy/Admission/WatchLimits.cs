using System.Collections.Concurrent;
using System.Net;
using Platform.EdgeProxy.Hosting;
using Platform.EdgeProxy.Pipeline;
using Platform.EdgeProxy.Security;

namespace Platform.EdgeProxy.Admission;

/// <summary>
/// How many watches one token, and one client address, may hold open on this edge at once
/// (<see cref="EdgeOptions.MaxWatchesPerToken"/>, <see cref="EdgeOptions.MaxWatchesPerAddress"/>).
/// Watchers share one upstream watch per namespace, so they cost the region nothing more; each
/// costs the edge a connection (or an HTTP/2 stream), memory and a wake-up on every change, so
/// without a bound one holder could take the edge's memory for itself. Past a bound a new watch is
/// refused with 429 <c>Overloaded</c>, and the detail says which bound.
/// </summary>
public sealed class WatchLimits(EdgeOptions options)
{
    private readonly ConcurrentDictionary<IPAddress, int> fromAddress = new();

    /// <summary>
    /// Counts a watch the token opens from <paramref name="address"/> (on its state, which also
    /// keeps the token refreshed while watches hold it); throws 429 past either bound. Dispose the
    /// answer when the watch ends.
    /// </summary>
    public IDisposable Open(TokenCache.TokenState token, string tokenName, IPAddress? address)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.WatchOpened() > options.MaxWatchesPerToken)
        {
            token.WatchClosed();
            throw EdgeProblem.Overloaded($"token '{tokenName}' holds {options.MaxWatchesPerToken} watches open on this edge, as many as one token may");
        }

        if (address is not null && !TryTake(address))
        {
            token.WatchClosed();
            throw EdgeProblem.Overloaded($"address {address} holds {options.MaxWatchesPerAddress} watches open on this edge, as many as one address may");
        }

        return new Slot(this, token, address);
    }

    /// <summary>How many watches are open from the address now.</summary>
    public int OpenFrom(IPAddress address) => fromAddress.GetValueOrDefault(address);

    private bool TryTake(IPAddress address)
    {
        while (true)
        {
            var count = fromAddress.GetValueOrDefault(address);
            if (count >= options.MaxWatchesPerAddress)
            {
                return false;
            }

            if (count == 0 ? fromAddress.TryAdd(address, 1) : fromAddress.TryUpdate(address, count + 1, count))
            {
                return true;
            }
        }
    }

    private void Release(IPAddress address)
    {
        while (true)
        {
            var count = fromAddress.GetValueOrDefault(address);
            if (count <= 1 ? fromAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, count)) : fromAddress.TryUpdate(address, count - 1, count))
            {
                return;
            }
        }
    }

    private sealed class Slot(WatchLimits limits, TokenCache.TokenState token, IPAddress? address) : IDisposable
    {
        private int closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref closed, 1) == 0)
            {
                token.WatchClosed();
                if (address is not null)
                {
                    limits.Release(address);
                }
            }
        }
    }
}
