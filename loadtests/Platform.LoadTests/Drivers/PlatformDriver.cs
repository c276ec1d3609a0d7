using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Client;
using Platform.Client.Models;
using Platform.LoadTests.Cluster;
using Platform.LoadTests.Load;

namespace Platform.LoadTests.Drivers;

/// <summary>
/// The platform under load: <c>platform up --regions eu-west --nodes 3</c> over a fresh data directory,
/// driven through each node's HTTP API (the harness's <see cref="LoadHttp"/>, one pooled connection per
/// concurrent request), one local-commit namespace written and read, another one watched.
/// </summary>
public sealed class PlatformDriver : IKvDriver
{
    public const string Region = "eu-west";
    public const string Namespace = "versus";
    public const string WatchNamespace = "versus-watch";
    private const int NodesPerRegion = 3;

    // Opening 10,000 HTTP/1.1 watches at once would overflow the node's listen backlog.
    private const int WatchOpenParallel = 100;
    private static readonly TimeSpan LeadershipQuiet = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LeadershipBound = TimeSpan.FromSeconds(60);

    private readonly PlatformUpProcess up;
    private readonly List<ClusterNode> nodes;
    private readonly IReadOnlyList<PlatformClient> admin;
    private readonly LoadHttp http;
    private readonly long group;

    private PlatformDriver(PlatformUpProcess up, IReadOnlyList<PlatformClient> admin, LoadHttp http, long group, string? settleNote)
    {
        this.up = up;
        nodes = up.Cluster.Nodes.ToList();
        this.admin = admin;
        this.http = http;
        this.group = group;
        SettleNote = settleNote;
    }

    public string SystemName => "platform";

    public string Setup => $"platform up --regions {Region} --nodes {NodesPerRegion} --base-port 0 (HTTP/1.1 API of each node; namespace {Namespace}, local-commit)";

    public int Members => nodes.Count;

    /// <summary>Why the measurement may hold a leadership move: leadership was not settled after the start (null when it was).</summary>
    public string? SettleNote { get; }

    /// <summary>Starts a fresh platform, creates the namespaces and waits until group leadership has settled.</summary>
    public static async Task<PlatformDriver> StartAsync(string platformDll, string dataRoot, int maxConcurrency, CancellationToken cancellationToken)
    {
        var up = await PlatformUpProcess.StartAsync(platformDll, Region, NodesPerRegion, dataRoot, cancellationToken);
        var admin = up.Cluster.Nodes.Select(n => new PlatformClient(n.Endpoint, up.Cluster.AdminToken)).ToList();
        var http = new LoadHttp(up.Cluster.AdminToken, Math.Max(64, maxConcurrency));
        try
        {
            var created = await admin[0].PutNamespaceAsync(Namespace, new NamespaceSpec(NamespaceSpec.LocalCommit, Region), cancellationToken);
            await admin[0].PutNamespaceAsync(WatchNamespace, new NamespaceSpec(NamespaceSpec.LocalCommit, Region), cancellationToken);
            var group = (created ?? await admin[0].GetNamespaceAsync(Namespace, cancellationToken)).Group
                ?? throw new InvalidOperationException($"the catalog does not say which group holds namespace {Namespace}");

            // `up` moves group leaders a few seconds after start; a move during a measurement would be measured.
            var (leadership, settled) = await Leadership.WaitSettledAsync(admin, LeadershipQuiet, LeadershipBound, cancellationToken);
            var note = settled ? null : $"platform: group leadership did not settle within {LeadershipBound.TotalSeconds:F0} s (last: {leadership?.Fingerprint ?? "no agreement"}); measured anyway";
            return new PlatformDriver(up, admin, http, group, note);
        }
        catch
        {
            http.Dispose();
            foreach (var client in admin)
            {
                client.Dispose();
            }

            await up.DisposeAsync();
            throw;
        }
    }

    public async ValueTask<OpOutcome> PutAsync(int member, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var answer = await http.PutForAnswerAsync(LoadHttp.KeyUri(nodes[member].Endpoint, Namespace, key), value, cancellationToken);
        return answer.Acknowledged ? OpOutcome.Ok : OpOutcome.Failed(answer.Failure!);
    }

    public async ValueTask<OpOutcome> CasAsync(int member, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var node = nodes[member].Endpoint;
        long modRevision;
        using (var read = await http.Client.GetAsync(LoadHttp.KeyUri(node, Namespace, key, "linearizable"), HttpCompletionOption.ResponseContentRead, cancellationToken))
        {
            // The value's ETag is "<modRevision>" (docs/api.md, Headers).
            if (!read.IsSuccessStatusCode || read.Headers.ETag is not { } etag
                || !long.TryParse(etag.Tag.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out modRevision))
            {
                return OpOutcome.Failed($"CAS read: HTTP {(int)read.StatusCode}");
            }
        }

        var body = CasBody(key, modRevision, value.Span);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node, $"/v1/ns/{Namespace}/txn")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return OpOutcome.Failed($"CAS txn: HTTP {(int)response.StatusCode} {WriteAnswer.ReadCode(text)}");
        }

        using var result = JsonDocument.Parse(text);
        return result.RootElement.GetProperty("succeeded").GetBoolean() ? OpOutcome.Ok : OpOutcome.Conflict;
    }

    /// <summary>The transaction of a CAS (docs/api.md, Keys and values): put the value if the key's modRevision is still the one read.</summary>
    private static byte[] CasBody(string key, long modRevision, ReadOnlySpan<byte> value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("compare");
            json.WriteStartObject();
            json.WriteString("key", key);
            json.WriteString("target", "modRevision");
            json.WriteString("op", "=");
            json.WriteNumber("value", modRevision);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartArray("success");
            json.WriteStartObject();
            json.WriteStartObject("put");
            json.WriteString("key", key);
            json.WriteBase64String("value", value);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public async ValueTask<OpOutcome> GetAsync(int member, string key, ReadConsistency consistency, CancellationToken cancellationToken)
    {
        var status = await http.GetAsync(LoadHttp.KeyUri(nodes[member].Endpoint, Namespace, key, consistency == ReadConsistency.Linearizable ? "linearizable" : "serializable"), cancellationToken);
        return status is >= 200 and < 300 ? OpOutcome.Ok : OpOutcome.Failed($"HTTP {status}");
    }

    public async Task<long?> PutWatchedAsync(int member, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, LoadHttp.KeyUri(nodes[member].Endpoint, WatchNamespace, key)) { Content = new ReadOnlyMemoryContent(value) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return answer.RootElement.GetProperty("revision").GetInt64();
    }

    public async Task<IWatchFleet> OpenWatchersAsync(int member, int count, CancellationToken cancellationToken)
    {
        // A node serves HTTP/1.1 only (HTTP/2 without TLS is the edge's): one connection per watcher.
        var fleet = new WatcherFleet(nodes[member].Endpoint, up.Cluster.AdminToken, WatchNamespace, http2: false);
        try
        {
            var opened = await fleet.OpenAsync(count, WatchOpenParallel, cancellationToken);
            return new PlatformWatchFleet(fleet, opened, $"SSE watches of namespace {WatchNamespace} at {nodes[member].Name}, HTTP/1.1, one connection each");
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    public async Task<int?> FindLeaderAsync(CancellationToken cancellationToken)
    {
        var live = nodes.Select((node, index) => (node, index)).Where(n => !up.HasNodeExited(n.node)).Select(n => admin[n.index]).ToList();
        var leadership = await Leadership.ReadAsync(live, new HashSet<long> { group }, cancellationToken);
        if (leadership is null || !leadership.Leaders.TryGetValue(group, out var name))
        {
            return null;
        }

        var index = nodes.FindIndex(n => n.Name == name);
        return index >= 0 ? index : null;
    }

    public bool KillMember(int member) => up.KillNode(nodes[member]);

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        foreach (var client in admin)
        {
            client.Dispose();
        }

        await up.DisposeAsync();
    }

    private sealed class PlatformWatchFleet(WatcherFleet fleet, int opened, string transport) : IWatchFleet
    {
        public string Transport => transport;

        public int Opened => opened;

        public int Ended => fleet.Ended;

        public string? FirstFailure => fleet.FirstFailure;

        public IEnumerable<IReadOnlyDictionary<long, long>> Arrivals() => fleet.Arrivals();

        public ValueTask DisposeAsync() => fleet.DisposeAsync();
    }
}
