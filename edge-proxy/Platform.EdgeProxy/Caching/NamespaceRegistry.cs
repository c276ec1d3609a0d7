using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.EdgeProxy.Hosting;
using Platform.EdgeProxy.Observability;
using Platform.EdgeProxy.Upstream;
using Platform.EdgeProxy.Watching;

namespace Platform.EdgeProxy.Caching;

/// <summary>
/// Every namespace the edge serves, each with its one upstream watch, opened by the first read or
/// watch and dropped after <see cref="EdgeOptions.NamespaceIdleLimit"/> without either. A
/// namespace the catalog does not know is remembered as missing for a moment, so a herd asking
/// for it costs one catalog read, not one per request.
/// </summary>
public sealed class NamespaceRegistry(UpstreamClient upstream, EdgeOptions options, ILogger<NamespaceRegistry> logger) : BackgroundService
{
    private static readonly TimeSpan MissingFor = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Catalog lookups of one opening while the region does not answer (with backoff from 200 ms
    /// to 5 s, about a minute in all); then the namespace closes, and the next request opens it
    /// again. Without a bound, one request kept its lookup going until the idle sweep (10 minutes).
    /// </summary>
    public const int MaxCatalogAttempts = 15;

    private static readonly TimeSpan CatalogBackoffFirst = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan CatalogBackoffMax = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, Opened> open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> missing = new(StringComparer.Ordinal);
    private CancellationToken stopping;

    private sealed record Opened(NamespaceCache Cache, CancellationTokenSource Stop);

    public IEnumerable<NamespaceCache> Namespaces => open.Values.Select(o => o.Cache);

    /// <summary>True when the catalog said lately that the namespace does not exist.</summary>
    public bool KnownMissing(string ns) => missing.TryGetValue(ns, out var until) && Environment.TickCount64 < until;

    /// <summary>The cache of a namespace already open, found without allocating its name (the hit path).</summary>
    public bool TryGetOpen(ReadOnlySpan<char> ns, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NamespaceCache? cache)
    {
        if (open.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(ns, out var opened))
        {
            opened.Cache.Touch();
            cache = opened.Cache;
            return true;
        }

        cache = null;
        return false;
    }

    /// <summary>The namespace's cache, opening it (and its upstream watch) on first use; the name must be valid (the stages check it).</summary>
    public NamespaceCache Open(string ns)
    {
        if (!Pipeline.NamespaceName.IsValid(ns))
        {
            throw new ArgumentException($"'{ns}' is not a namespace name; the stages refuse it before opening", nameof(ns));
        }

        if (open.TryGetValue(ns, out var known))
        {
            known.Cache.Touch();
            return known.Cache;
        }

        var created = new Opened(new NamespaceCache(ns, options.WatchBufferEvents, options.WatchBufferBytes), CancellationTokenSource.CreateLinkedTokenSource(stopping));
        var winner = open.GetOrAdd(ns, created);
        if (winner != created)
        {
            created.Stop.Dispose();
            return winner.Cache;
        }

        _ = Task.Run(() => RunAsync(created));
        return created.Cache;
    }

    private async Task RunAsync(Opened opened)
    {
        var ns = opened.Cache.Name;
        try
        {
            // Ask the catalog once (retrying, a bounded number of times, while the region is down):
            // a namespace that does not exist gets no watch, and every read of it is answered 404
            // from here for a moment.
            var backoff = CatalogBackoffFirst;
            for (var attempt = 1; !opened.Stop.IsCancellationRequested; attempt++)
            {
                try
                {
                    if (await upstream.CatalogAsync(ns, opened.Stop.Token) is not { } entry)
                    {
                        missing[ns] = Environment.TickCount64 + (long)MissingFor.TotalMilliseconds;
                        return;
                    }

                    if (entry.Mode == "local-commit" && entry.HomeRegion != options.Region)
                    {
                        _ = Task.Run(() => FollowLagAsync(opened), CancellationToken.None);
                    }

                    break;
                }
                catch (UpstreamRefusedException refused)
                {
                    EdgeLog.WatchFailed(logger, refused, ns);
                    opened.Cache.FetchFailed();
                    return;
                }
                catch (UpstreamUnavailableException)
                {
                    opened.Cache.FetchFailed();
                    if (attempt >= MaxCatalogAttempts)
                    {
                        return;
                    }

                    await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next(300)), opened.Stop.Token);
                    backoff = backoff * 2 < CatalogBackoffMax ? backoff * 2 : CatalogBackoffMax;
                }
            }

            missing.TryRemove(ns, out _);
            await new UpstreamWatch(opened.Cache, upstream, options, logger).RunAsync(opened.Stop.Token);
        }
        catch (OperationCanceledException) when (opened.Stop.IsCancellationRequested)
        {
            // Dropped as idle, or the edge stops.
        }
        catch (Exception unexpected)
        {
            EdgeLog.WatchFailed(logger, unexpected, ns);
        }
        finally
        {
            opened.Cache.Disconnected();
            if (open.TryRemove(new KeyValuePair<string, Opened>(ns, opened)))
            {
                opened.Cache.Flush();
                await opened.Stop.CancelAsync();
                opened.Stop.Dispose();
            }
        }
    }

    /// <summary>
    /// Every second: keeps the cached values within <see cref="EdgeOptions.CacheBytes"/> (the
    /// largest namespaces give up their least recently read entries first), and drops namespaces
    /// nobody read or watched lately (their watches cost the region a stream each).
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        stopping = stoppingToken;
        var idleMs = (long)options.NamespaceIdleLimit.TotalMilliseconds;
        var lastIdleSweep = Environment.TickCount64;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (true)
        {
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            KeepWithinBudget();
            ForgetMissing();
            if (Environment.TickCount64 - lastIdleSweep < Math.Min(30_000, idleMs / 4))
            {
                continue;
            }

            lastIdleSweep = Environment.TickCount64;
            foreach (var (ns, opened) in open)
            {
                if (opened.Cache.Watchers == 0 && Environment.TickCount64 - opened.Cache.LastUsed > idleMs)
                {
                    EdgeLog.NamespaceIdle(logger, ns);
                    await opened.Stop.CancelAsync();
                }
            }
        }

        foreach (var opened in open.Values)
        {
            await opened.Stop.CancelAsync();
        }
    }

    /// <summary>
    /// A copy's lag, read from the catalog every 2 s while the namespace is open, so reads from the
    /// cache say how far behind the home they may be, as the region's own serializable reads do.
    /// </summary>
    private async Task FollowLagAsync(Opened opened)
    {
        try
        {
            while (!opened.Stop.IsCancellationRequested)
            {
                try
                {
                    var entry = await upstream.CatalogAsync(opened.Cache.Name, opened.Stop.Token);
                    var mine = entry?.Regions?.FirstOrDefault(r => r.Region == options.Region);
                    opened.Cache.LagMs = entry is { Mode: "local-commit" } && entry.HomeRegion != options.Region && mine is not null
                        ? (long)Math.Round(mine.LagSeconds * 1000)
                        : null;
                }
                catch (UpstreamUnavailableException)
                {
                    // Unknown for now: the last figure stays (a stale answer says its Age anyway).
                }

                await Task.Delay(TimeSpan.FromSeconds(2), opened.Stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The namespace was dropped, or the edge stops.
        }
    }

    /// <summary>Drops negative entries past their moment: the set holds only names asked about lately.</summary>
    private void ForgetMissing()
    {
        var now = Environment.TickCount64;
        foreach (var (ns, until) in missing)
        {
            if (until <= now)
            {
                missing.TryRemove(new KeyValuePair<string, long>(ns, until));
            }
        }
    }

    /// <summary>What all namespaces' entries cost together.</summary>
    public long CachedBytes => open.Values.Sum(o => o.Cache.Bytes);

    /// <summary>Evicts down to 90% of the budget, so a cache at its bound does not evict on every tick.</summary>
    public void KeepWithinBudget()
    {
        var total = CachedBytes;
        if (total <= options.CacheBytes)
        {
            return;
        }

        var target = options.CacheBytes * 9 / 10;
        while (total > target)
        {
            var largest = open.Values.Select(o => o.Cache).MaxBy(c => c.Bytes);
            if (largest is null || largest.Count == 0)
            {
                return;
            }

            total -= largest.Evict(256);
        }
    }
}
