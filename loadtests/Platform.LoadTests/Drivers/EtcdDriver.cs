using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.LoadTests.Cluster;
using Platform.LoadTests.Load;

namespace Platform.LoadTests.Drivers;

/// <summary>
/// etcd under load: the 3-member cluster of <c>loadtests/etcd.sh</c>, driven with dotnet-etcd's
/// <see cref="EtcdClient"/> over one gRPC channel per member (HTTP/2, more connections opened when one's
/// streams are all busy). The platform's namespaces are key prefixes here: <c>versus/</c> written and read,
/// <c>versus-watch/</c> watched.
/// </summary>
public sealed class EtcdDriver : IKvDriver
{
    public const string Prefix = "versus/";
    public const string WatchPrefix = "versus-watch/";

    // A write to a member whose leader died waits for etcd's own request timeout (about 7 s); well past it.
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(30);

    private readonly EtcdScriptCluster cluster;
    private readonly GrpcChannel[] channels;
    private readonly EtcdClient[] clients;

    private EtcdDriver(EtcdScriptCluster cluster)
    {
        this.cluster = cluster;
        channels = [.. cluster.Endpoints.Select(EtcdChannels.Open)];
        clients = [.. channels.Select(c => new EtcdClient(c.CreateCallInvoker()))];
    }

    public string SystemName => "etcd";

    public string Setup => $"etcd {cluster.Version}, 3 members on 127.0.0.1 (loadtests/etcd.sh: default timers, fsync on); dotnet-etcd over gRPC, one channel per member";

    public int Members => clients.Length;

    public static async Task<EtcdDriver> StartAsync(string script, string dataRoot, CancellationToken cancellationToken)
    {
        var cluster = await EtcdScriptCluster.StartAsync(script, dataRoot, cancellationToken);
        return new EtcdDriver(cluster);
    }

    public async ValueTask<OpOutcome> PutAsync(int member, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var request = new PutRequest { Key = ByteString.CopyFromUtf8(Prefix + key), Value = UnsafeByteOperations.UnsafeWrap(value) };
        await clients[member].PutAsync(request, deadline: Deadline(), cancellationToken: cancellationToken);
        return OpOutcome.Ok;
    }

    public async ValueTask<OpOutcome> CasAsync(int member, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var name = ByteString.CopyFromUtf8(Prefix + key);
        var read = await clients[member].GetAsync(new RangeRequest { Key = name }, deadline: Deadline(), cancellationToken: cancellationToken);
        if (read.Kvs.Count == 0)
        {
            return OpOutcome.Failed("CAS read: key not found");
        }

        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = name, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = read.Kvs[0].ModRevision });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = name, Value = UnsafeByteOperations.UnsafeWrap(value) } });
        var answer = await clients[member].TransactionAsync(txn, deadline: Deadline(), cancellationToken: cancellationToken);
        return answer.Succeeded ? OpOutcome.Ok : OpOutcome.Conflict;
    }

    public async ValueTask<OpOutcome> GetAsync(int member, string key, ReadConsistency consistency, CancellationToken cancellationToken)
    {
        var request = new RangeRequest { Key = ByteString.CopyFromUtf8(Prefix + key), Serializable = consistency == ReadConsistency.Serializable };
        var answer = await clients[member].GetAsync(request, deadline: Deadline(), cancellationToken: cancellationToken);

        // The platform answers 404 for a missing key, which the harness counts as an error: the same here.
        return answer.Kvs.Count > 0 ? OpOutcome.Ok : OpOutcome.Failed("key not found");
    }

    public async Task<long?> PutWatchedAsync(int member, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        try
        {
            var request = new PutRequest { Key = ByteString.CopyFromUtf8(WatchPrefix + key), Value = UnsafeByteOperations.UnsafeWrap(value) };
            var answer = await clients[member].PutAsync(request, deadline: Deadline(), cancellationToken: cancellationToken);
            return answer.Header.Revision;
        }
        catch (RpcException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public async Task<IWatchFleet> OpenWatchersAsync(int member, int count, CancellationToken cancellationToken)
    {
        var fleet = new EtcdWatchFleet(cluster.Endpoints[member], WatchPrefix);
        try
        {
            await fleet.OpenAsync(count, cancellationToken);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>The member every live member names as leader (Status: its own id in the header, the leader's id).</summary>
    public async Task<int?> FindLeaderAsync(CancellationToken cancellationToken)
    {
        var ids = new ulong?[clients.Length];
        ulong? leader = null;
        for (var member = 0; member < clients.Length; member++)
        {
            if (!cluster.IsRunning(member))
            {
                continue;
            }

            StatusResponse status;
            try
            {
                status = await clients[member].StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
            }
            catch (RpcException)
            {
                return null;
            }

            ids[member] = status.Header.MemberId;
            if (status.Leader == 0 || (leader is not null && leader != status.Leader))
            {
                return null;
            }

            leader = status.Leader;
        }

        var index = Array.IndexOf(ids, leader);
        return leader is not null && index >= 0 ? index : null;
    }

    public bool KillMember(int member) => cluster.Kill(member);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        foreach (var channel in channels)
        {
            channel.Dispose();
        }

        await cluster.DisposeAsync();
    }

    private static DateTime Deadline() => DateTime.UtcNow + CallBound;
}
