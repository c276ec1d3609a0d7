using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Regional.Replicas;

namespace Platform.Global.Drills;

/// <summary>A write the probe had accepted: its sequence number, key, revision, epoch and when (boot clock) the answer came.</summary>
public sealed record ProbeWrite(int Sequence, string Key, long Revision, long Epoch, TimeSpan AcceptedAt);

/// <summary>
/// A client writing to one namespace while a drill runs, through this node's own API (so its
/// writes take the path every client's take: the token, the forwarding to the home, the lease, the
/// fencing): one new key under <c>.drill/{id}/</c> every <see cref="Interval"/>, each tried once with a
/// short timeout. It records what was accepted and every error, which the report turns into the
/// write pause, the RTO and the writes lost.
/// </summary>
public sealed class ProbeWriter : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpClient http;
    private readonly string ns;
    private readonly string prefix;
    private readonly List<ProbeWrite> accepted = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task running;
    private int errors;
    private string? lastError;

    public ProbeWriter(Uri node, string token, string ns, string drillId)
    {
        this.ns = ns;
        prefix = $".drill/{drillId}/";
        http = new HttpClient { BaseAddress = node, Timeout = WriteTimeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        running = Task.Run(RunAsync);
    }

    public string Prefix => prefix;

    public HttpClient Http => http;

    public int Errors => Volatile.Read(ref errors);

    public string? LastError => lastError;

    public IReadOnlyList<ProbeWrite> Accepted
    {
        get
        {
            lock (accepted)
            {
                return [.. accepted];
            }
        }
    }

    /// <summary>The first write accepted after <paramref name="since"/> in epoch <paramref name="epoch"/> or later, or null.</summary>
    public ProbeWrite? FirstAcceptedAfter(TimeSpan since, long epoch) => Accepted.FirstOrDefault(w => w.AcceptedAt > since && w.Epoch >= epoch);

    /// <summary>The longest time between two accepted writes (or from <paramref name="from"/> to the first) within the window.</summary>
    public TimeSpan LongestPause(TimeSpan from, TimeSpan to)
    {
        var longest = TimeSpan.Zero;
        var previous = from;
        foreach (var write in Accepted.Where(w => w.AcceptedAt > from && w.AcceptedAt <= to))
        {
            longest = write.AcceptedAt - previous > longest ? write.AcceptedAt - previous : longest;
            previous = write.AcceptedAt;
        }

        return to - previous > longest ? to - previous : longest;
    }

    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stop.Dispose();
        http.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            var key = $"{prefix}{sequence:D6}";
            try
            {
                using var answer = await http.PutAsync(new Uri($"/v1/ns/{ns}/kv/{key}", UriKind.Relative), new StringContent(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)), stop.Token);
                var body = await answer.Content.ReadAsStringAsync(stop.Token);
                if (answer.IsSuccessStatusCode)
                {
                    var written = JsonDocument.Parse(body).RootElement;
                    lock (accepted)
                    {
                        accepted.Add(new ProbeWrite(sequence, key, written.GetProperty("revision").GetInt64(), written.GetProperty("epoch").GetInt64(), BootClock.Now));
                    }
                }
                else
                {
                    Failed($"{(int)answer.StatusCode}: {body}");
                }
            }
            catch (Exception failed) when (failed is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException && !stop.IsCancellationRequested)
            {
                Failed(failed.Message);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await timer.WaitForNextTickAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Failed(string why)
    {
        Interlocked.Increment(ref errors);
        lastError = why.Length > 300 ? why[..300] : why;
    }
}
