using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Global.Groups;
using Platform.Global.Leases;
using Platform.Global.Moves;
using Platform.Global.Replication;
using Platform.Global.Transport;
using Platform.Regional.Api.Routes;
using Platform.Regional.Hosting;
using Platform.Regional.Replicas;
using Platform.Regional.Routing;

namespace Platform.Global.Hosting;

/// <summary>
/// Connects a node to the other regions: the inter-region HTTP/2 listener (signed requests only),
/// the client that calls the other regions with the simulated WAN delay, the monitor of their
/// reachability that <c>/v1/status</c> reports, the strong-global groups (the catalog's and the
/// strong-global namespaces'), the forwarding of requests to a namespace's home region, and the
/// replication of <c>local-commit</c> namespaces (home leases, the replicator, lag and RPO).
/// </summary>
public sealed class GlobalNodeExtension(InterRegionOptions options) : INodeExtension
{
    public void ConfigureKestrel(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Listen(options.ListenAddress, options.Port, listen => listen.Protocols = HttpProtocols.Http2);
    }

    public void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(options);
        services.AddSingleton<InterRegionClient>();
        services.AddSingleton<IInterRegionTransport>(sp => sp.GetRequiredService<InterRegionClient>());
        services.AddSingleton<ReplayGuard>();
        services.AddSingleton<PeerMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<PeerMonitor>());
        services.RemoveAll<IRegionView>();
        services.AddSingleton<IRegionView>(sp => sp.GetRequiredService<PeerMonitor>());
        services.AddSingleton<GlobalReplicas>();
        services.AddHostedService(sp => sp.GetRequiredService<GlobalReplicas>());
        services.AddSingleton<IGroupSource>(sp => sp.GetRequiredService<GlobalReplicas>());
        services.AddSingleton<GlobalRouter>();
        services.AddSingleton<IGlobalGroups>(sp => sp.GetRequiredService<GlobalRouter>());
        services.AddSingleton<IRegionForwarder, RegionForwarder>();
        services.AddSingleton<ForwardRoutes>();
        services.AddSingleton<ReplicationBoard>();
        services.AddSingleton<ReplicationMetrics>();
        services.AddSingleton<HomeLeaseKeeper>();
        services.AddHostedService(sp => sp.GetRequiredService<HomeLeaseKeeper>());
        services.AddSingleton<IReplicationGuard, ReplicationGuard>();
        services.AddSingleton<CatalogSteps>();
        services.AddSingleton<INamespaceMover, NamespaceMover>();
        services.AddSingleton<Replicator>();
        services.AddHostedService(sp => sp.GetRequiredService<Replicator>());
        services.AddSingleton<Failover.Promotion>();
        services.AddHostedService<Failover.AutoFailover>();
        services.AddSingleton<Drills.DrillRunner>();
    }

    public void UseMiddleware(WebApplication app) => app.UseInterRegionAuthentication(options);

    public void MapRoutes(WebApplication app)
    {
        InterRegionEndpoint.MapPing(app, options);
        GlobalRaftRoutes.Map(app);
        ForwardRoutes.Map(app);
        FeedRoutes.Map(app);
        ProgressRoutes.Map(app);
        Failover.FailoverRoutes.Map(app);
        Drills.DrillRoutes.Map(app);
    }
}
