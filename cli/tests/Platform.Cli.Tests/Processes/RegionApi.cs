using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Platform.Cli.Tests.Processes;

/// <summary>
/// The node HTTP API (docs/api.md) as the fault tests use it, with every answer sorted into what a
/// client may conclude: done, refused (the contract says a refusal other than OutcomeUnknown changed
/// nothing), or unknown (503 OutcomeUnknown, a 5xx without that promise, a dropped connection, a timeout).
/// Times are <see cref="Stopwatch"/> timestamps, one clock for every client of a test.
/// </summary>
internal sealed class RegionApi : IDisposable
{
    private readonly HttpClient http;
    private readonly string token;

    public RegionApi(string token)
    {
        this.token = token;

        // Longer than the node's own 5 s request timeout, so a node that answers does so before we give up.
        http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(8),
        };
    }

    public static long Now => Stopwatch.GetTimestamp();

    public static TimeSpan Since(long timestamp) => Stopwatch.GetElapsedTime(timestamp);

    public async Task CreateNamespaceAsync(NodeProcess via, string ns, string homeRegion, CancellationToken cancel)
    {
        using var request = Request(HttpMethod.Put, via, $"/v1/namespaces/{ns}");
        request.Content = new StringContent(JsonSerializer.Serialize(new { mode = "local-commit", homeRegion }), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request, cancel);
        var body = await response.Content.ReadAsStringAsync(cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"creating namespace {ns} through {via.Name}: {(int)response.StatusCode} {body}");
        }
    }

    /// <summary>PUT one value; never throws for what the server or the network did.</summary>
    public async Task<WriteResult> PutAsync(NodeProcess via, string ns, string key, string value, CancellationToken cancel)
    {
        var invoked = Now;
        try
        {
            using var request = Request(HttpMethod.Put, via, $"/v1/ns/{ns}/kv/{key}");
            request.Content = new StringContent(value, Encoding.UTF8, "text/plain");
            using var response = await http.SendAsync(request, cancel);
            var body = await response.Content.ReadAsStringAsync(cancel);
            var completed = Now;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var json = JsonDocument.Parse(body);
                return new WriteResult(via.Name, key, value, invoked, completed, WriteStatus.Done, json.RootElement.GetProperty("revision").GetInt64(), null);
            }

            var code = ProblemCode(body);
            var status = code == "OutcomeUnknown" || (int)response.StatusCode >= 500 && code is null ? WriteStatus.Unknown : WriteStatus.Refused;
            return new WriteResult(via.Name, key, value, invoked, completed, status, 0, $"{(int)response.StatusCode} {code ?? body}");
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException or IOException && !cancel.IsCancellationRequested)
        {
            return new WriteResult(via.Name, key, value, invoked, Now, WriteStatus.Unknown, 0, failure.GetType().Name + ": " + failure.Message);
        }
    }

    /// <summary>GET one key (?format=json); never throws for what the server or the network did.</summary>
    public async Task<ReadResult> GetAsync(NodeProcess via, string ns, string key, string consistency, CancellationToken cancel, TimeSpan? timeout = null)
    {
        var invoked = Now;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bounded.CancelAfter(timeout ?? http.Timeout);
        try
        {
            using var request = Request(HttpMethod.Get, via, $"/v1/ns/{ns}/kv/{key}?format=json&consistency={consistency}");
            using var response = await http.SendAsync(request, bounded.Token);
            var body = await response.Content.ReadAsStringAsync(bounded.Token);
            var completed = Now;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var json = JsonDocument.Parse(body);
                var envelope = json.RootElement;
                var value = Encoding.UTF8.GetString(Convert.FromBase64String(envelope.GetProperty("value").GetString()!));
                return new ReadResult(via.Name, invoked, completed, ReadStatus.Found, value, envelope.GetProperty("modRevision").GetInt64(), (int)response.StatusCode, null);
            }

            var code = ProblemCode(body);
            return code == "KeyNotFound"
                ? new ReadResult(via.Name, invoked, completed, ReadStatus.Absent, null, 0, (int)response.StatusCode, code)
                : new ReadResult(via.Name, invoked, completed, ReadStatus.Failed, null, 0, (int)response.StatusCode, code ?? body);
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException or OperationCanceledException or IOException && !cancel.IsCancellationRequested)
        {
            return new ReadResult(via.Name, invoked, Now, ReadStatus.Failed, null, 0, 0, failure.GetType().Name + ": " + failure.Message);
        }
    }

    /// <summary>Every key under <paramref name="prefix"/> with its value, read linearizably page by page (one revision for all pages).</summary>
    public async Task<Dictionary<string, string>> ListAsync(NodeProcess via, string ns, string prefix, CancellationToken cancel)
    {
        var items = new Dictionary<string, string>(StringComparer.Ordinal);
        string? pageToken = null;
        do
        {
            var path = $"/v1/ns/{ns}/kv?prefix={Uri.EscapeDataString(prefix)}&limit=500" + (pageToken is null ? string.Empty : $"&pageToken={Uri.EscapeDataString(pageToken)}");
            using var request = Request(HttpMethod.Get, via, path);
            using var response = await http.SendAsync(request, cancel);
            var body = await response.Content.ReadAsStringAsync(cancel);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"listing {ns}/{prefix} through {via.Name}: {(int)response.StatusCode} {body}");
            }

            using var json = JsonDocument.Parse(body);
            foreach (var item in json.RootElement.GetProperty("items").EnumerateArray())
            {
                items.Add(item.GetProperty("key").GetString()!, Encoding.UTF8.GetString(Convert.FromBase64String(item.GetProperty("value").GetString()!)));
            }

            pageToken = json.RootElement.TryGetProperty("nextPageToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (pageToken is not null);
        return items;
    }

    public void Dispose() => http.Dispose();

    private HttpRequestMessage Request(HttpMethod method, NodeProcess via, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(via.Http, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static string? ProblemCode(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

internal enum WriteStatus
{
    /// <summary>200: the write committed at <see cref="WriteResult.Revision"/>.</summary>
    Done,

    /// <summary>Refused with a code that promises nothing changed (NoLeader, ...).</summary>
    Refused,

    /// <summary>OutcomeUnknown, a bare 5xx, a dropped connection or a timeout: it may or may not have happened.</summary>
    Unknown,
}

internal sealed record WriteResult(string Node, string Key, string Value, long InvokedAt, long CompletedAt, WriteStatus Status, long Revision, string? Problem);

internal enum ReadStatus
{
    Found,
    Absent,

    /// <summary>No value learned: a problem answer, a dropped connection or a timeout.</summary>
    Failed,
}

internal sealed record ReadResult(string Node, long InvokedAt, long CompletedAt, ReadStatus Status, string? Value, long ModRevision, int HttpStatus, string? Problem);
