using Microsoft.AspNetCore.Http;
using Platform.EdgeProxy.Routing;
using Yarp.ReverseProxy;

namespace Platform.EdgeProxy.Pipeline;

/// <summary>
/// The edge's own endpoints, before any token check: <c>/healthz</c> (it runs) and <c>/readyz</c>
/// (a node of its own region passes its health checks). Everything else goes on without an await.
/// </summary>
public sealed class EdgeEndpoints(RequestDelegate next, IProxyStateLookup proxy)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        switch (context.Request.Path.Value)
        {
            case "/healthz":
                return context.Response.WriteAsync("ok");
            case "/readyz":
                var ready = proxy.TryGetCluster(ProxyRoutes.ClusterId, out var cluster)
                    && cluster.DestinationsState.AvailableDestinations.Any(d => NearestRegionPolicy.RankOf(d) == 0);
                context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
                return context.Response.WriteAsync(ready ? "ready" : "no node of the region is healthy");
            default:
                return next(context);
        }
    }
}
