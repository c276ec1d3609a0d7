using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Platform.LoadTests.Load;

/// <summary>What one herd did: when each client had its whole configuration, and what it cost.</summary>
/// <param name="ConfiguredTicks">Per client, Stopwatch ticks from the start signal to its last key read (sorted); clients that gave up are not in it.</param>
/// <param name="Requests">Every GET sent, retries included.</param>
/// <param name="Retries">GETs sent again after a 429/503 or a connection failure.</param>
/// <param name="FailedClients">Clients still missing a key after every try.</param>
public sealed record HerdOutcome(IReadOnlyList<long> ConfiguredTicks, long Requests, long Retries, int FailedClients, IReadOnlyDictionary<string, long> Statuses);

/// <summary>
/// A fleet starting at once: <c>clients</c> tasks released together, each on its own HTTP/1.1
/// connection (as separate machines would be), each reading every key of its configuration in turn
/// from the endpoint it was given. A refused read (429 or 503) is tried again after the server's
/// <c>Retry-After</c> (else a jittered second), as the SDK does, up to <see cref="Attempts"/> times:
/// the figure is when the fleet had its configuration, not how many first tries succeeded.
/// </summary>
public static class HerdRun
{
    public const int Attempts = 5;

    public static async Task<HerdOutcome> RunAsync(
        IReadOnlyList<Uri> endpoints, string token, string ns, IReadOnlyList<string> keys, int clients, string query, TimeSpan bound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(keys);
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = clients,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = bound,
        };
        using var http = new HttpClient(handler) { Timeout = bound };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var statuses = new Dictionary<string, long>(StringComparer.Ordinal);
        long requests = 0;
        long retries = 0;
        long started = 0;
        var fleet = Enumerable.Range(0, clients).Select(async client =>
        {
            await release.Task;
            var endpoint = endpoints[client % endpoints.Count];
            foreach (var key in keys)
            {
                var read = false;
                for (var attempt = 1; attempt <= Attempts && !read; attempt++)
                {
                    if (attempt > 1)
                    {
                        Interlocked.Increment(ref retries);
                    }

                    Interlocked.Increment(ref requests);
                    var (status, retryAfter) = await GetAsync(http, new Uri(endpoint, $"v1/ns/{ns}/kv/{key}{query}"), cancellationToken);
                    lock (statuses)
                    {
                        statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    }

                    read = status == "200";
                    if (!read && attempt < Attempts)
                    {
                        await Task.Delay(retryAfter ?? TimeSpan.FromMilliseconds(500 + Random.Shared.Next(1000)), cancellationToken);
                    }
                }

                if (!read)
                {
                    return (long?)null;
                }
            }

            return Stopwatch.GetTimestamp() - Interlocked.Read(ref started);
        }).ToList();
        Interlocked.Exchange(ref started, Stopwatch.GetTimestamp());
        release.SetResult();
        var done = await Task.WhenAll(fleet);
        var configured = done.Where(t => t is not null).Select(t => t!.Value).Order().ToList();
        return new HerdOutcome(configured, requests, retries, done.Count(t => t is null), statuses);
    }

    /// <summary>The answer's status ("200", "429", ...) or the failure's name, and its Retry-After.</summary>
    private static async Task<(string Status, TimeSpan? RetryAfter)> GetAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            using var answer = await http.GetAsync(uri, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var wait = answer.Headers.RetryAfter?.Delta;
            return (((int)answer.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), answer.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable ? wait : null);
        }
        catch (HttpRequestException failure)
        {
            return (failure.HttpRequestError.ToString(), null);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ("Timeout", null);
        }
    }
}
