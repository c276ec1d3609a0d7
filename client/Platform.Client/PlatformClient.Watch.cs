using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Platform.Client.Http;
using Platform.Client.Models;
using Platform.Client.Sse;

namespace Platform.Client;

/// <summary>Watches: <c>GET /v1/ns/{ns}/watch</c> as Server-Sent Events.</summary>
public sealed partial class PlatformClient
{
    /// <summary>How many times in a row a dropped watch is resumed before the failure is thrown.</summary>
    private const int MaxWatchResumes = 5;

    /// <summary>
    /// The changes under <paramref name="prefix"/> after revision <paramref name="since"/> (from now when null), until
    /// <paramref name="cancellationToken"/> is cancelled. A stream that drops (a node restarting, an idle proxy) is
    /// resumed from the last event id with <c>Last-Event-ID</c>, up to <see cref="MaxWatchResumes"/> times in a row
    /// with growing pauses; a first connection that fails throws at once. After a
    /// <see cref="WatchEventKind.Compacted"/> event the enumeration ends: the caller relists and watches again.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        string ns,
        string? prefix = null,
        long? since = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? lastEventId = null;
        var failures = 0;
        var connected = false;
        while (true)
        {
            HttpResponseMessage response;
            if (!connected)
            {
                response = await OpenWatchAsync(ns, prefix, since, null, cancellationToken);
                connected = true;
            }
            else
            {
                try
                {
                    response = await OpenWatchAsync(ns, prefix, since, lastEventId, cancellationToken);
                }
                catch (Exception e) when (IsTransient(e, cancellationToken) && failures < MaxWatchResumes)
                {
                    failures++;
                    await Task.Delay(ResumeDelay(failures), cancellationToken);
                    continue;
                }
            }

            using (response)
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await using var messages = SseReader.ReadAsync(body, cancellationToken).GetAsyncEnumerator(cancellationToken);
                while (true)
                {
                    // C# allows no yield inside a try with a catch, so the read is guarded on its own.
                    try
                    {
                        if (!await messages.MoveNextAsync())
                        {
                            break;
                        }
                    }
                    catch (Exception e) when (IsTransient(e, cancellationToken))
                    {
                        break;
                    }

                    failures = 0;
                    lastEventId = messages.Current.LastEventId ?? lastEventId;
                    var watchEvent = WatchEvent.From(messages.Current);
                    yield return watchEvent;
                    if (watchEvent.Kind == WatchEventKind.Compacted)
                    {
                        yield break;
                    }
                }
            }

            if (failures >= MaxWatchResumes)
            {
                throw new HttpRequestException($"the watch of {ns} ended and could not be resumed after {MaxWatchResumes} attempts");
            }

            failures++;
            await Task.Delay(ResumeDelay(failures), cancellationToken);
        }
    }

    private async Task<HttpResponseMessage> OpenWatchAsync(string ns, string? prefix, long? since, string? lastEventId, CancellationToken cancellationToken)
    {
        // A resumed stream continues after Last-Event-ID; `since` only places the first connection.
        var query = PlatformRoutes.Query(("prefix", prefix), ("since", lastEventId is null ? PlatformRoutes.Text(since) : null));
        using var request = Request(HttpMethod.Get, PlatformRoutes.Watch(ns) + query);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>Failures worth a resume: the connection, a timeout, or a node saying "retry later".</summary>
    private static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        _ when cancellationToken.IsCancellationRequested => false,
        PlatformProblemException problem => problem.Status is 503 or 429,
        HttpRequestException or IOException or TimeoutException or OperationCanceledException => true,
        _ => false,
    };

    private static TimeSpan ResumeDelay(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(5000, 250 * Math.Pow(2, failures - 1)));
}
