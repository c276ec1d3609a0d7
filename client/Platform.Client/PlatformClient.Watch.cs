using System.Globalization;
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
    /// <paramref name="cancellationToken"/> is cancelled. A stream that drops (a node restarting, an edge failing, an
    /// idle proxy) is resumed from the last revision it brought (<c>Last-Event-ID</c>; before the first event, the
    /// revision the stream said it starts after), on the next endpoint when this one failed, after a jittered
    /// backoff: nothing is missed, and nothing is delivered twice. A client with retries
    /// (<see cref="PlatformClientOptions.MaxAttempts"/> above 1) resumes for as long as it is not cancelled; a plain
    /// one gives up after <see cref="MaxWatchResumes"/> failed resumes in a row. A first connection that fails throws.
    /// After a <see cref="WatchEventKind.Compacted"/> event the enumeration ends: the caller relists and watches again.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        string ns,
        string? prefix = null,
        long? since = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? resumeFrom = null;
        var failures = 0;
        var connected = false;
        var resumesForever = options.MaxAttempts > 1;
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
                    response = await OpenWatchAsync(ns, prefix, since, resumeFrom, cancellationToken);
                }
                catch (Exception e) when (IsTransient(e, cancellationToken) && (resumesForever || failures < MaxWatchResumes))
                {
                    failures++;
                    await ResumeDelayAsync(failures, cancellationToken);
                    continue;
                }
            }

            // Events at or below where this connection starts were delivered on an earlier one.
            long? delivered = long.TryParse(resumeFrom, NumberStyles.None, CultureInfo.InvariantCulture, out var resumed) ? resumed : since;
            using (response)
            {
                resumeFrom ??= ResponseHeaders.ReadMetadata(response).Revision?.ToString(CultureInfo.InvariantCulture);
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
                    resumeFrom = messages.Current.LastEventId ?? resumeFrom;
                    var watchEvent = WatchEvent.From(messages.Current);
                    if (watchEvent.Kind is WatchEventKind.Put or WatchEventKind.Delete && watchEvent.Revision <= delivered)
                    {
                        continue;
                    }

                    floors.Saw(ns, watchEvent.Revision);
                    yield return watchEvent;
                    if (watchEvent.Kind == WatchEventKind.Compacted)
                    {
                        yield break;
                    }
                }
            }

            if (!resumesForever && failures >= MaxWatchResumes)
            {
                throw new HttpRequestException($"the watch of {ns} ended and could not be resumed after {MaxWatchResumes} attempts");
            }

            failures++;
            await ResumeDelayAsync(failures, cancellationToken);
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
        HttpRequestException or IOException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException => true,
        _ => false,
    };

    /// <summary>A plain client pauses 250 ms, doubling to 5 s; one with retries uses its jittered backoff.</summary>
    private Task ResumeDelayAsync(int failures, CancellationToken cancellationToken) =>
        Task.Delay(
            options.MaxAttempts > 1
                ? RetryDelays.Next(failures, options.BaseDelay, options.MaxDelay, null, Random.Shared)
                : TimeSpan.FromMilliseconds(Math.Min(5000, 250 * Math.Pow(2, failures - 1))),
            options.TimeProvider,
            cancellationToken);
}
