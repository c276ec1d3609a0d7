using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Platform.Client.Sse;
using Platform.EdgeProxy.Caching;
using Platform.EdgeProxy.Hosting;
using Platform.EdgeProxy.Observability;
using Platform.EdgeProxy.Upstream;

namespace Platform.EdgeProxy.Watching;

/// <summary>
/// The one upstream watch of a namespace: an SSE stream from a node of the region (another
/// region's when the region is down), resumed by revision after any break so nothing is missed,
/// feeding the namespace's cache and event buffer. A <c>compacted</c> event or a 410 (the history
/// forked in a failover, or was compacted under the edge) flushes the namespace and starts over
/// from the present. Runs until the namespace is dropped or the namespace is deleted.
/// </summary>
public sealed class UpstreamWatch(NamespaceCache cache, UpstreamClient upstream, EdgeOptions options, ILogger logger)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    /// <summary>Runs the watch; returns when the namespace no longer exists or <paramref name="stop"/> fires.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var backoff = FirstBackoff;
        while (!stop.IsCancellationRequested)
        {
            var since = cache.Base >= 0 ? cache.Position : (long?)null;
            try
            {
                using var response = await upstream.OpenWatchAsync(cache.Name, since, stop);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        backoff = FirstBackoff;
                        await ReadAsync(response, stop);
                        cache.Disconnected();
                        continue;
                    case HttpStatusCode.Gone:
                        EdgeLog.WatchGone(logger, cache.Name, since);
                        cache.Flush();
                        continue;
                    case HttpStatusCode.NotFound:
                        EdgeLog.NamespaceMissing(logger, cache.Name);
                        cache.Flush();
                        return;
                    default:
                        EdgeLog.WatchRefused(logger, cache.Name, (int)response.StatusCode);
                        break;
                }
            }
            catch (UpstreamUnavailableException unavailable)
            {
                EdgeLog.WatchBroke(logger, cache.Name, unavailable.Message, cache.Position);
            }
            catch (Exception broken) when (broken is HttpRequestException or IOException || (broken is OperationCanceledException && !stop.IsCancellationRequested))
            {
                EdgeLog.WatchBroke(logger, cache.Name, broken.Message, cache.Position);
            }

            cache.Disconnected();
            try
            {
                await Task.Delay(backoff * (0.5 + Random.Shared.NextDouble()), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }

    private async Task ReadAsync(HttpResponseMessage response, CancellationToken stop)
    {
        var region = response.Headers.TryGetValues("X-Config-Region", out var regions) ? regions.First() : string.Empty;
        if (!response.Headers.TryGetValues("X-Config-Revision", out var starts) || !long.TryParse(starts.First(), NumberStyles.None, CultureInfo.InvariantCulture, out var after))
        {
            throw new HttpRequestException("the watch answer carries no X-Config-Revision");
        }

        cache.Started(after, region);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
        idle.CancelAfter(options.WatchIdleLimit);
        await using var body = await response.Content.ReadAsStreamAsync(idle.Token);
        var batch = new List<(string, CachedValue, BufferedEvent)>();
        await foreach (var message in SseReader.ReadAsync(body, idle.Token))
        {
            // Every message, progress included, proves the stream alive.
            idle.CancelAfter(options.WatchIdleLimit);
            long? id = long.TryParse(message.LastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            switch (message.EventType)
            {
                case "put" or "delete":
                    if (ChangeFrames.From(message.EventType, id, message.Data) is { } change)
                    {
                        batch.Add(change);
                        cache.Apply(batch);
                        batch.Clear();
                    }

                    break;
                case "progress" when id is { } revision:
                    cache.Progress(revision);
                    break;
                case "compacted":
                    EdgeLog.WatchCompacted(logger, cache.Name);
                    cache.Flush();
                    return;
                default:
                    break;
            }
        }
    }
}
