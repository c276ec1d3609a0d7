using System.Diagnostics;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Platform.LoadTests.Drivers;

/// <summary>
/// Many etcd watchers of one key prefix at one member, multiplexed as etcd's own Go client does: each
/// gRPC Watch stream carries up to <see cref="WatchersPerStream"/> watchers (one create request each,
/// told apart by watch id), and the streams share a few HTTP/2 connections (<see cref="ConnectionsMax"/>).
/// etcd still keeps one watcher per create request and sends every event to each of them, so the server
/// does the same work per watcher as with one stream each; 10,000 streams of their own would need as
/// many HTTP/2 streams, past what a client opens by default on a connection.
/// </summary>
public sealed class EtcdWatchFleet : IWatchFleet
{
    public const int WatchersPerStream = 1000;
    public const int ConnectionsMax = 4;
    private static readonly TimeSpan OpenBound = TimeSpan.FromSeconds(120);

    private readonly Uri member;
    private readonly ByteString key;
    private readonly ByteString rangeEnd;
    private readonly CancellationTokenSource stop = new();
    private readonly List<GrpcChannel> channels = [];
    private readonly List<Stream> streams = [];
    private int disposed;

    public EtcdWatchFleet(Uri member, string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        this.member = member;
        key = ByteString.CopyFromUtf8(prefix);

        // The prefix's range end: its last byte plus one ("a/" watches up to "a0"), as clientv3.WithPrefix does.
        var end = key.ToByteArray();
        end[^1]++;
        rangeEnd = ByteString.CopyFrom(end);
    }

    public string Transport => $"etcd watches of a prefix at {member.Authority}: {streams.Count} gRPC Watch stream(s) of up to {WatchersPerStream} watchers over {channels.Count} HTTP/2 connection(s)";

    public int Opened => streams.Sum(s => s.Created);

    // A stream that failed ended every watcher it carried; otherwise only those etcd canceled.
    public int Ended => streams.Sum(s => s.Failure is not null ? s.Size : s.Canceled);

    public string? FirstFailure => streams.Select(s => s.Failure).FirstOrDefault(f => f is not null);

    /// <summary>Opens <paramref name="count"/> watchers and returns once etcd has confirmed each (or the bound ran out).</summary>
    public async Task OpenAsync(int count, CancellationToken cancellationToken)
    {
        var streamCount = (count + WatchersPerStream - 1) / WatchersPerStream;
        for (var c = 0; c < Math.Min(streamCount, ConnectionsMax); c++)
        {
            channels.Add(EtcdChannels.Open(member));
        }

        for (var s = 0; s < streamCount; s++)
        {
            var size = Math.Min(WatchersPerStream, count - (s * WatchersPerStream));
            var call = new Watch.WatchClient(channels[s % channels.Count]).Watch(cancellationToken: stop.Token);
            var stream = new Stream(call, size);
            streams.Add(stream);
            stream.Reading = Task.Run(() => stream.ReadAsync(stop.Token), CancellationToken.None);
        }

        await Task.WhenAll(streams.Select(s => s.CreateAllAsync(key, rangeEnd, cancellationToken)));
        var waited = Stopwatch.StartNew();
        while (Opened < count && streams.All(s => s.Failure is null) && waited.Elapsed < OpenBound)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    public IEnumerable<IReadOnlyDictionary<long, long>> Arrivals() => streams.SelectMany(s => s.Snapshot());

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stop.CancelAsync();
        foreach (var stream in streams)
        {
            await stream.Reading;
            stream.Call.Dispose();
        }

        foreach (var channel in channels)
        {
            channel.Dispose();
        }

        stop.Dispose();
    }

    /// <summary>One gRPC Watch stream and the watchers it carries, by the watch id etcd confirmed.</summary>
    private sealed class Stream(AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call, int size)
    {
        private readonly Dictionary<long, Dictionary<long, long>> arrivals = [];
        private int created;
        private int canceled;

        public AsyncDuplexStreamingCall<WatchRequest, WatchResponse> Call => call;

        public int Size => size;

        public Task Reading { get; set; } = Task.CompletedTask;

        public int Created => Volatile.Read(ref created);

        public int Canceled => Volatile.Read(ref canceled);

        public string? Failure { get; private set; }

        /// <summary>
        /// One create request per watcher, each with its own id (1..size; 0 asks etcd to choose), written one
        /// after the other as a gRPC stream requires.
        /// </summary>
        public async Task CreateAllAsync(ByteString key, ByteString rangeEnd, CancellationToken cancellationToken)
        {
            for (var id = 1; id <= size; id++)
            {
                await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = key, RangeEnd = rangeEnd, WatchId = id } }, cancellationToken);
            }
        }

        public async Task ReadAsync(CancellationToken stop)
        {
            try
            {
                while (await call.ResponseStream.MoveNext(stop))
                {
                    var response = call.ResponseStream.Current;
                    var now = Stopwatch.GetTimestamp();
                    lock (arrivals)
                    {
                        if (response.Created)
                        {
                            arrivals.TryAdd(response.WatchId, []);
                            created++;
                        }

                        if (response.Canceled)
                        {
                            canceled++;
                            Failure ??= $"etcd canceled watch {response.WatchId}: {response.CancelReason}";
                        }

                        if (response.Events.Count > 0 && arrivals.TryGetValue(response.WatchId, out var seen))
                        {
                            foreach (var change in response.Events)
                            {
                                if (change.Type == Mvccpb.Event.Types.EventType.Put)
                                {
                                    seen.TryAdd(change.Kv.ModRevision, now);
                                }
                            }
                        }
                    }
                }

                Failure ??= "etcd ended the watch stream";
            }
            catch (RpcException) when (stop.IsCancellationRequested)
            {
                // Closed by the fleet.
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Closed by the fleet.
            }
            catch (RpcException failure)
            {
                Failure ??= $"watch stream failed: {failure.Status.StatusCode} {failure.Status.Detail}";
            }
        }

        public List<IReadOnlyDictionary<long, long>> Snapshot()
        {
            lock (arrivals)
            {
                return [.. arrivals.Values.Select(a => (IReadOnlyDictionary<long, long>)new Dictionary<long, long>(a))];
            }
        }
    }
}
