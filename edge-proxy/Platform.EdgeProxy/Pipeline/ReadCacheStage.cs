using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Platform.EdgeProxy.Admission;
using Platform.EdgeProxy.Caching;
using Platform.EdgeProxy.Observability;
using Platform.EdgeProxy.Upstream;

namespace Platform.EdgeProxy.Pipeline;

/// <summary>
/// <c>GET /v1/ns/{ns}/kv/{key}</c> at <c>cached</c> (the edge's default) or <c>serializable</c>
/// consistency, answered from the namespace's cache: a hit costs the region nothing; concurrent
/// misses of a key share one fetch; while the region cannot answer, a key the edge has seen is
/// served stale (saying so), never for <c>minRevision</c>. Linearizable and historical reads pass
/// on to the proxy.
/// </summary>
public sealed class ReadCacheStage(RequestDelegate next, NamespaceRegistry registry, UpstreamClient upstream, UpstreamGate gate, INodePicker nodes, EdgeMetrics metrics)
{
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinRevisionWaitDefault = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MinRevisionWaitMax = TimeSpan.FromSeconds(30);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value;
        if (!HttpMethods.IsGet(request.Method) || path is null || !EdgePaths.TryKey(path, out Range nsRange, out Range keyRange))
        {
            return next(context);
        }

        // The fleet's read: no options, a held value of an open namespace, the region up. Found
        // by spans of the path, so a hit allocates no string for the namespace or the key.
        var ns = path.AsSpan(nsRange);
        if (!request.QueryString.HasValue && registry.TryGetOpen(ns, out var open) && open.Live && nodes.AnyHealthy
            && AuthenticationStage.CallerOf(context).Caller.MayRead(ns) && open.TryGet(path.AsSpan(keyRange), out var held) && held.Exists)
        {
            metrics.Read(CacheOutcome.Hit);
            held.LastRead = Environment.TickCount64;
            return WriteAsync(context, open, string.Empty, string.Empty, held, CacheOutcome.Hit, json: false, stale: false);
        }

        return ReadAsync(context, path[nsRange], path[keyRange]);
    }

    /// <summary>Every other read of a key: options, misses, negative entries, the region down.</summary>
    private async Task ReadAsync(HttpContext context, string ns, string key)
    {
        var query = context.Request.Query;
        var consistency = query["consistency"].ToString();
        if (consistency is not ("" or "cached" or "serializable") || query.ContainsKey("revision"))
        {
            // Linearizable reads, history and whatever the node must judge go through the proxy.
            await next(context);
            return;
        }

        long? minRevision = null;
        if (query.TryGetValue("minRevision", out var minText))
        {
            if (!long.TryParse(minText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                throw EdgeProblem.Invalid("minRevision is a revision number");
            }

            minRevision = parsed;
        }

        if (!NamespaceName.IsValid(ns))
        {
            throw EdgeProblem.InvalidNamespace(ns);
        }

        var (caller, _) = AuthenticationStage.CallerOf(context);
        if (!caller.MayRead(ns))
        {
            throw EdgeProblem.Forbidden($"token '{caller.Name}' may not read namespace '{ns}'");
        }

        if (registry.KnownMissing(ns))
        {
            throw EdgeProblem.NamespaceNotFound(ns);
        }

        var json = query["format"] == "json";
        var cache = registry.Open(ns);
        if (minRevision is { } wanted)
        {
            await WaitForAsync(cache, wanted, DurationQuery.Parse(query["timeout"], "timeout", MinRevisionWaitDefault, MinRevisionWaitMax), context.RequestAborted);
        }

        var regionUp = nodes.AnyHealthy;
        if (cache.Live && regionUp && cache.TryGet(key, out var held))
        {
            metrics.Read(CacheOutcome.Hit);
            held.LastRead = Environment.TickCount64;
            await WriteAsync(context, cache, ns, key, held, CacheOutcome.Hit, json, stale: false);
            return;
        }

        var known = cache.TryGet(key, out var last) ? last : null;
        if (known is not null && minRevision is null && (!regionUp || cache.RecentlyUnreachable))
        {
            metrics.Read(CacheOutcome.Stale);
            await WriteAsync(context, cache, ns, key, known, CacheOutcome.Stale, json, stale: true);
            return;
        }

        FetchResult result;
        CacheOutcome outcome;
        try
        {
            (result, outcome) = await FetchCoalescedAsync(cache, ns, key, caller.Name, Math.Max(minRevision ?? 0, cache.Base >= 0 ? cache.Position : 0), context.RequestAborted);
        }
        catch (UpstreamUnavailableException) when (!context.RequestAborted.IsCancellationRequested)
        {
            if (known is not null && minRevision is null)
            {
                metrics.Read(CacheOutcome.Stale);
                await WriteAsync(context, cache, ns, key, known, CacheOutcome.Stale, json, stale: true);
                return;
            }

            throw EdgeProblem.Unavailable($"the region cannot be reached and the edge has not seen key '{key}' of '{ns}'");
        }

        metrics.Read(outcome);
        if (result.Status == FetchStatus.Relayed)
        {
            var response = context.Response;
            response.StatusCode = result.RelayStatus;
            response.ContentType = result.RelayContentType;
            response.Headers["X-Config-Cache"] = EdgeMetrics.Text(outcome);
            await response.Body.WriteAsync(result.RelayBody, context.RequestAborted);
            return;
        }

        await WriteAsync(context, cache, ns, key, result.Value!, outcome, json, stale: false, region: result.Region);
    }

    /// <summary>One fetch per key at a time: the first miss fetches, the others wait for its answer.</summary>
    private async Task<(FetchResult Result, CacheOutcome Outcome)> FetchCoalescedAsync(NamespaceCache cache, string ns, string key, string tokenName, long minRevision, CancellationToken aborted)
    {
        var mine = new TaskCompletionSource<FetchResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = cache.Fetching.GetOrAdd(key, mine.Task);
        if (running != mine.Task)
        {
            return (await running.WaitAsync(aborted), CacheOutcome.Coalesced);
        }

        try
        {
            // The fetch serves every waiting client, so the first one's leaving does not cancel it
            // (waiting for a slot is bounded by the gate itself).
            using (await gate.EnterAsync(tokenName, CancellationToken.None))
            {
                await cache.WaitStartedAsync(StartWait, CancellationToken.None);
                var generation = cache.Generation;
                var from = Math.Max(minRevision, cache.Base >= 0 ? cache.Position : 0);
                var result = await upstream.FetchAsync(ns, key, from, CancellationToken.None);
                if (result.Status == FetchStatus.Known)
                {
                    cache.Offer(key, result.Value!, generation, result.Region);
                }

                mine.SetResult(result);
            }
        }
        catch (Exception failure)
        {
            if (failure is UpstreamUnavailableException)
            {
                cache.FetchFailed();
            }

            mine.SetException(failure);
        }
        finally
        {
            cache.Fetching.TryRemove(new KeyValuePair<string, Task<FetchResult>>(key, mine.Task));
        }

        return (await mine.Task, CacheOutcome.Miss);
    }

    /// <summary>Read-your-writes through the edge: waits until the namespace's watch has brought <paramref name="wanted"/>.</summary>
    private static async Task WaitForAsync(NamespaceCache cache, long wanted, TimeSpan most, CancellationToken aborted)
    {
        var deadline = Environment.TickCount64 + (long)most.TotalMilliseconds;
        while (!(cache.Live && cache.Position >= wanted))
        {
            var changed = cache.Changed;
            if (cache.Live && cache.Position >= wanted)
            {
                return;
            }

            var left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                throw EdgeProblem.NotCaughtUp($"the edge has not seen revision {wanted} of '{cache.Name}' yet");
            }

            try
            {
                await changed.WaitAsync(TimeSpan.FromMilliseconds(left), aborted);
            }
            catch (TimeoutException)
            {
                // Checked again above, then refused.
            }
        }
    }


    private static async Task WriteAsync(HttpContext context, NamespaceCache cache, string ns, string key, CachedValue value, CacheOutcome outcome, bool json, bool stale, string? region = null)
    {
        var response = context.Response;
        var headers = response.Headers;

        // Unless the watch brought something newer for the key, a held entry holds up to where the
        // watch stands; a fetched answer says what its node read.
        var held = outcome is CacheOutcome.Hit or CacheOutcome.Stale;
        var revision = held ? Math.Max(value.ObservedAt, cache.Position) : value.ObservedAt;
        headers["X-Config-Revision"] = cache.RevisionText(revision);
        headers["X-Config-Region"] = region ?? cache.Region;
        headers["X-Config-Cache"] = EdgeMetrics.Text(outcome);
        if (cache.LagMs is { } lag)
        {
            headers["X-Config-Lag-Ms"] = lag.ToString(CultureInfo.InvariantCulture);
        }

        if (stale)
        {
            headers["X-Config-Stale"] = "true";
            var knownFor = Math.Min(cache.DownForMs, Environment.TickCount64 - value.LearnedAt);
            headers.Age = Math.Max(0, knownFor / 1000).ToString(CultureInfo.InvariantCulture);
        }

        if (!value.Exists)
        {
            await EdgeProblem.KeyNotFound(ns, key).WriteAsync(context);
            return;
        }

        headers.ETag = value.ETag;
        if (json)
        {
            response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(response.Body, new
            {
                key,
                value = Convert.ToBase64String(value.Value),
                contentType = value.ContentType,
                createRevision = value.CreateRevision,
                modRevision = value.ModRevision,
                version = value.Version,
                revision,
            }, cancellationToken: context.RequestAborted);
            return;
        }

        response.ContentType = value.ContentType;
        response.ContentLength = value.Value.Length;
        await response.Body.WriteAsync(value.Value, context.RequestAborted);
    }
}
