using System.Net;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Orleans.Configuration;
using Platform.Regional.Api.Pipeline;
using Platform.Regional.Api.Routes;
using Platform.Regional.Clustering;
using Platform.Regional.Observability;
using Platform.Regional.Replicas;
using Platform.Regional.Security;
using Platform.Regional.Routing;
using Platform.Storage.Mvcc;

namespace Platform.Regional.Hosting;

/// <summary>Where a node listens; every endpoint binds 127.0.0.1 unless told otherwise.</summary>
public sealed record NodeEndpoints(int HttpPort, int SiloPort, int GatewayPort, IPAddress? Address = null)
{
    public IPAddress ListenAddress => Address ?? IPAddress.Loopback;
}

/// <summary>
/// One node process: an Orleans silo hosting this node's replicas of every group of the region,
/// and Kestrel serving the node's HTTP routes. Failure detection is tuned so a dead or frozen node
/// costs seconds, not the defaults' half a minute; Raft elections never wait on it.
/// </summary>
public static class NodeHost
{
    /// <summary>Seconds: commits here take about a millisecond, so the default buckets (5 ms and up) would hide them.</summary>
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1, 2, 5];

    /// <summary>
    /// Builds the node. Membership lives in <paramref name="membershipFile"/> (embedded clustering)
    /// unless <paramref name="azureTableConnection"/> names an Azure Table Storage account (Azurite locally).
    /// </summary>
    public static WebApplication Build(NodeOptions node, NodeEndpoints endpoints, string membershipFile, string? azureTableConnection = null, INodeExtension? extension = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(endpoints);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // A pinned grain whose node is down is refused by placement on every message sent to it;
        // Orleans logs each retry, which would drown the log while a node is away.
        builder.Logging.AddFilter("Polly", LogLevel.Error);
        builder.Logging.AddFilter("Orleans.Messaging", LogLevel.Critical);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(endpoints.ListenAddress, endpoints.HttpPort);

            // Routes lower this per request (a value: 1 MiB); nothing may send more than a transaction's worth.
            kestrel.Limits.MaxRequestBodySize = Api.Routes.HttpInput.MaxJsonBody + 1;
            extension?.ConfigureKestrel(kestrel);
        });
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = $"platform-{node.Region}";
                o.ServiceId = "platform";
            });
            silo.Configure<SiloOptions>(o => o.SiloName = node.NodeName);
            silo.ConfigureEndpoints(endpoints.ListenAddress, endpoints.SiloPort, endpoints.GatewayPort, listenOnAnyHostAddress: false);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                // Raft needs nothing from membership but placement, so detection can afford to let a
                // node frozen for a few seconds (a GC pause, a stopped VM) come back alive: a silo
                // declared dead shuts itself down when it wakes.
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 3;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
                o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));

            // A dead node's port refuses at once; waiting the default second between attempts held
            // messages (a write forwarded to a leader just killed) long after a new leader was elected.
            silo.Configure<ConnectionOptions>(o =>
            {
                o.ConnectionRetryDelay = TimeSpan.FromMilliseconds(100);
                o.OpenConnectionTimeout = TimeSpan.FromSeconds(1);
            });
            if (azureTableConnection is null)
            {
                silo.Services.AddSingleton<IMembershipTable>(new FileMembershipTable(membershipFile));
            }
            else
            {
                silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(azureTableConnection));
            }

            silo.Services.AddNodePinnedPlacement();
        });
        builder.Services.AddSingleton(node);
        builder.Services.AddSingleton(endpoints);
        builder.Services.AddSingleton(new Chaos.ChaosState(node.Chaos));
        builder.Services.AddSingleton(MvccLimits.Default);
        // The node's clock: CLOCK_BOOTTIME timestamps (leases count through a suspend), the system's
        // wall clock and timers. The global layer reads it through TimeProvider so a simulation can
        // run the same classes in simulated time.
        builder.Services.AddSingleton(Replicas.BootClock.Provider);
        builder.Services.AddSingleton<RegionalMetrics>();
        builder.Services.AddSingleton<NodeIdentity>();
        builder.Services.AddSingleton<NodeStorage>();
        builder.Services.AddSingleton<NodeReplicas>();
        builder.Services.AddSingleton<ILocalReplicas>(services => services.GetRequiredService<NodeReplicas>());
        builder.Services.AddSingleton<IReplicaPeers, GrainReplicaPeers>();
        builder.Services.AddSingleton<GroupRouter>();
        builder.Services.AddSingleton<NamespaceCatalog>();
        builder.Services.AddSingleton<NamespaceAccess>();
        builder.Services.AddSingleton<ForwardedMark>();
        builder.Services.AddSingleton(new StreamLimits(new StreamLimits.Bounds(node.MaxWatchesPerToken, node.MaxFeedsPerToken, node.MaxWatchesPerAddress, node.MaxFeedsPerAddress)));
        builder.Services.AddSingleton<TokenDirectory>();
        builder.Services.AddHostedService<ReplicaActivator>();
        builder.Services.AddHostedService<ReplicaTicker>();
        builder.Services.AddSingleton<IRegionView, LoneRegionView>();
        extension?.ConfigureServices(builder.Services);
        builder.Services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Singleton;
            options.PipelineBehaviors = [typeof(ValidationBehavior<,>), typeof(AuthorizationBehavior<,>), typeof(MetricsBehavior<,>)];
        });
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RegionalMetrics.MeterName)
            .AddView("platform_commit_latency", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets })
            .AddView("platform_http_request_duration", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets })
            .AddPrometheusExporter());
        var app = builder.Build();
        extension?.UseMiddleware(app);
        NodeRoutes.Map(app);
        extension?.MapRoutes(app);
        return app;
    }
}
