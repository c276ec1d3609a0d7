using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Regional.Hosting;

/// <summary>
/// What a layer above the region (the global layer) adds to a node: listeners, services,
/// middleware and routes. The regional layer declares it and never references its implementations;
/// the composition root (the CLI) passes them in.
/// </summary>
public interface INodeExtension
{
    void ConfigureKestrel(KestrelServerOptions kestrel);

    void ConfigureServices(IServiceCollection services);

    /// <summary>Runs first in the request pipeline, before the client API's problem handling and token checks.</summary>
    void UseMiddleware(WebApplication app);

    void MapRoutes(WebApplication app);
}
