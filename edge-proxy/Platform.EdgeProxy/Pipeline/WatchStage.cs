using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Platform.EdgeProxy.Admission;
using Platform.EdgeProxy.Caching;
using Platform.EdgeProxy.Observability;
using Platform.EdgeProxy.Security;
using Platform.EdgeProxy.Watching;

namespace Platform.EdgeProxy.Pipeline;

/// <summary>
/// <c>GET /v1/ns/{ns}/watch</c> served from the namespace's single upstream watch: any number of
/// SSE and long-poll watchers read the same event buffer, a reconnecting watcher resumes from its
/// revision without touching the region, and one behind the buffer (or across a failover's fork)
/// is told <c>compacted</c> and relists. A watch ends when its token's next check no longer lets
/// it read the namespace.
/// </summary>
public sealed class WatchStage(RequestDelegate next, NamespaceRegistry registry, TokenCache tokens, WatchLimits limits, EdgeMetrics metrics)
{
    private const int BatchSize = 512;
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StartWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LongPollDefault = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongPollMax = TimeSpan.FromSeconds(60);

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) || !EdgePaths.TryWatch(request.Path.Value ?? string.Empty, out var ns))
        {
            await next(context);
            return;
        }

        if (!NamespaceName.IsValid(ns))
        {
            throw EdgeProblem.InvalidNamespace(ns);
        }

        var (caller, token) = AuthenticationStage.CallerOf(context);
        if (!caller.MayRead(ns))
        {
            throw EdgeProblem.Forbidden($"token '{caller.Name}' may not read namespace '{ns}'");
        }

        var resume = request.Headers["Last-Event-ID"].FirstOrDefault() is { Length: > 0 } lastId ? lastId : request.Query["since"].ToString();
        long? since = null;
        if (resume.Length > 0)
        {
            since = long.TryParse(resume, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw EdgeProblem.Invalid("since (or Last-Event-ID) is a revision number");
        }

        var prefix = request.Query["prefix"].ToString();
        var stream = request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);
        var wait = stream ? TimeSpan.Zero : DurationQuery.Parse(request.Query["wait"], "wait", LongPollDefault, LongPollMax);
        if (registry.KnownMissing(ns))
        {
            throw EdgeProblem.NamespaceNotFound(ns);
        }

        using var slot = limits.Open(token, caller.Name, context.Connection.RemoteIpAddress);
        var cache = registry.Open(ns);
        cache.WatcherJoined();
        try
        {
            if (!await cache.WaitStartedAsync(StartWait, context.RequestAborted))
            {
                throw registry.KnownMissing(ns) ? EdgeProblem.NamespaceNotFound(ns) : EdgeProblem.Unavailable($"the edge cannot watch '{ns}' right now: the region does not answer");
            }

            var watcher = new Watcher(cache, token, ns, prefix, cache.Generation, since ?? cache.Position);
            if (stream)
            {
                await StreamAsync(context, watcher);
            }
            else
            {
                await LongPollAsync(context, watcher, wait);
            }
        }
        finally
        {
            cache.WatcherLeft();
        }
    }

    private sealed class Watcher(NamespaceCache cache, TokenCache.TokenState token, string ns, string prefix, int generation, long cursor)
    {
        public NamespaceCache Cache { get; } = cache;

        public TokenCache.TokenState Token { get; } = token;

        public string Namespace { get; } = ns;

        public string Prefix { get; } = prefix;

        public int Generation { get; } = generation;

        public long Cursor { get; set; } = cursor;

        public List<BufferedEvent> Batch { get; } = [];

        /// <summary>The revision a watcher that fell behind must relist from.</summary>
        public long CompactRevision
        {
            get
            {
                var floor = Cache.Buffer.Floor;
                return floor is < 0 or long.MaxValue ? Math.Max(0, Cache.Position + 1) : floor + 1;
            }
        }

        /// <summary>The next events; false when the watcher can no longer continue (fell behind, or the namespace was flushed).</summary>
        public bool Next(out bool more)
        {
            Batch.Clear();
            more = false;
            if (Cache.Generation != Generation)
            {
                return false;
            }

            var reached = Cache.Position;
            if (!Cache.Buffer.After(Cursor, Prefix, BatchSize, Batch, out var scanned))
            {
                return false;
            }

            more = Batch.Count >= BatchSize;
            Cursor = more ? scanned : Math.Max(Math.Max(Cursor, scanned), reached);
            return Cache.Generation == Generation;
        }
    }

    private async Task StreamAsync(HttpContext context, Watcher watcher)
    {
        var response = context.Response;
        var aborted = context.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Config-Region"] = watcher.Cache.Region;
        response.Headers["X-Config-Revision"] = watcher.Cursor.ToString(CultureInfo.InvariantCulture);
        metrics.WatcherOpened();
        try
        {
            await response.Body.FlushAsync(aborted);
            // One timer per progress period, not one per wake: a write to the namespace wakes
            // every watcher, and 10,000 of them each making a timer per wake is what costs.
            var progressDue = Task.Delay(Jittered(ProgressEvery), aborted);
            while (!aborted.IsCancellationRequested)
            {
                var changed = watcher.Cache.Changed;
                var recheck = watcher.Token.Changed;
                if (!tokens.StillMayRead(watcher.Token, watcher.Namespace))
                {
                    return;
                }

                if (!watcher.Next(out var more))
                {
                    var frame = ChangeFrames.Frame(null, "compacted", $"{{\"compactRevision\":{watcher.CompactRevision.ToString(CultureInfo.InvariantCulture)}}}");
                    response.BodyWriter.Write(frame);
                    await response.BodyWriter.FlushAsync(aborted);
                    return;
                }

                // Frames go into the response's pipe and leave in one flush (one send), however many.
                foreach (var change in watcher.Batch)
                {
                    response.BodyWriter.Write(change.Frame);
                }

                if (watcher.Batch.Count > 0)
                {
                    await response.BodyWriter.FlushAsync(aborted);
                    if (more)
                    {
                        continue;
                    }
                }

                if (progressDue.IsCompleted)
                {
                    if (aborted.IsCancellationRequested)
                    {
                        return;
                    }

                    var cursor = watcher.Cursor.ToString(CultureInfo.InvariantCulture);
                    response.BodyWriter.Write(ChangeFrames.Frame(watcher.Cursor, "progress", $"{{\"revision\":{cursor}}}"));
                    await response.BodyWriter.FlushAsync(aborted);
                    progressDue = Task.Delay(Jittered(ProgressEvery), aborted);
                    continue;
                }

                await Task.WhenAny(changed, recheck, progressDue);
            }
        }
        finally
        {
            metrics.WatcherClosed();
        }
    }

    private async Task LongPollAsync(HttpContext context, Watcher watcher, TimeSpan wait)
    {
        var aborted = context.RequestAborted;
        var deadline = Environment.TickCount64 + (long)wait.TotalMilliseconds;
        var due = Task.Delay(wait, aborted);
        while (true)
        {
            var changed = watcher.Cache.Changed;
            var recheck = watcher.Token.Changed;
            if (!tokens.StillMayRead(watcher.Token, watcher.Namespace))
            {
                throw EdgeProblem.Forbidden("the token may no longer read this namespace");
            }

            if (!watcher.Next(out _))
            {
                throw EdgeProblem.Compacted(watcher.CompactRevision);
            }

            var left = deadline - Environment.TickCount64;
            if (watcher.Batch.Count > 0 || left <= 0)
            {
                var response = context.Response;
                response.Headers["X-Config-Region"] = watcher.Cache.Region;
                response.Headers["X-Config-Revision"] = watcher.Cursor.ToString(CultureInfo.InvariantCulture);
                response.Headers["X-Config-Cache"] = EdgeMetrics.Text(CacheOutcome.Hit);
                response.ContentType = "application/json; charset=utf-8";
                var body = new StringBuilder("[");
                for (var i = 0; i < watcher.Batch.Count; i++)
                {
                    body.Append(i == 0 ? string.Empty : ",").Append(watcher.Batch[i].Json);
                }

                await response.WriteAsync(body.Append(']').ToString(), aborted);
                return;
            }

            await Task.WhenAny(changed, recheck, due);
            aborted.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Between half the period and all of it, at random: watchers opened together (a fleet
    /// restarting) spread their progress events instead of sending them in one wave.
    /// </summary>
    private static TimeSpan Jittered(TimeSpan period) => period * (0.5 + (0.5 * Random.Shared.NextDouble()));
}
