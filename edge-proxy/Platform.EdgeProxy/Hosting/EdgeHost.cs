using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Platform.EdgeProxy.Admission;
using Platform.EdgeProxy.Caching;
using Platform.EdgeProxy.Observability;
using Platform.EdgeProxy.Pipeline;
using Platform.EdgeProxy.Routing;
using Platform.EdgeProxy.Security;
using Platform.EdgeProxy.Upstream;
using Yarp.ReverseProxy.LoadBalancing;

namespace Platform.EdgeProxy.Hosting;

/// <summary>
/// Builds one edge proxy: Kestrel on 127.0.0.1 (HTTP/1.1, and HTTP/2 on a port of its own), then one stage per concern:
/// problem answers, authentication, the read cache, the watch fan-out, and YARP for the rest
/// (admission, nearest healthy node). <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> need no token.
/// </summary>
public static class EdgeHost
{
    public static WebApplication Build(EdgeOptions options, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Yarp", LogLevel.Warning)
                .AddFilter("Yarp.ReverseProxy.Health.ActiveHealthCheckMonitor", LogLevel.Error);
        }
        else
        {
            logging(builder.Logging);
        }

        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(options.ListenAddress, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
            if (options.Http2Port != 0)
            {
                kestrel.Listen(options.ListenAddress, options.Http2Port, listen => listen.Protocols = HttpProtocols.Http2);
            }

            // Fleets hold thousands of watches over few HTTP/2 connections.
            kestrel.Limits.Http2.MaxStreamsPerConnection = 10_000;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            kestrel.AddServerHeader = false;
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<EdgeMetrics>();
        services.AddSingleton<INodePicker, ProxyNodePicker>();
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton<UpstreamGate>();
        services.AddSingleton<WatchLimits>();
        services.AddSingleton<TokenCache>();
        services.AddHostedService(s => s.GetRequiredService<TokenCache>());
        services.AddSingleton<NamespaceRegistry>();
        services.AddHostedService(s => s.GetRequiredService<NamespaceRegistry>());
        services.AddSingleton<ILoadBalancingPolicy, NearestRegionPolicy>();
        services.AddReverseProxy().LoadFromMemory(ProxyRoutes.Routes(), ProxyRoutes.Clusters(options));
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(EdgeMetrics.MeterName).AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        var app = builder.Build();
        app.UseMiddleware<InternalHeaderStage>();
        app.UseMiddleware<ProblemStage>();
        app.UseMiddleware<EdgeEndpoints>();
        app.UseMiddleware<AuthenticationStage>();
        app.UseMiddleware<ReadCacheStage>();
        app.UseMiddleware<WatchStage>();
        app.UseRouting();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapReverseProxy(proxy =>
        {
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UseMiddleware<AdmissionStage>();
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}
