using Grpc.Net.Client;

namespace Platform.LoadTests.Drivers;

/// <summary>The gRPC channels of the etcd driver and its watchers: cleartext HTTP/2 to one member, kept open for the run.</summary>
public static class EtcdChannels
{
    public static GrpcChannel Open(Uri endpoint)
    {
        var handler = new SocketsHttpHandler
        {
            // 256 concurrent calls would queue behind one connection's stream limit; open more instead, as a pool would.
            EnableMultipleHttp2Connections = true,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseProxy = false,
        };
        return GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
