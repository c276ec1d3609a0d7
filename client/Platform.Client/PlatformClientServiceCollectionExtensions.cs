using Microsoft.Extensions.DependencyInjection;
using Platform.Client.Http;

namespace Platform.Client;

/// <summary>Registers a <see cref="PlatformClient"/> whose <see cref="HttpClient"/> comes from <c>IHttpClientFactory</c>.</summary>
public static class PlatformClientServiceCollectionExtensions
{
    /// <summary>The name of the client's <see cref="HttpClient"/> in the factory (to add handlers to it).</summary>
    public const string HttpClientName = "Platform.Client";

    /// <summary>
    /// <c>services.AddPlatformClient(o => { o.Endpoints = [...]; o.Token = ...; })</c>: a transient
    /// <see cref="PlatformClient"/> over the factory's pooled handlers. Every client the container
    /// makes shares one revision floor per namespace, so reads stay monotonic across them.
    /// </summary>
    public static IHttpClientBuilder AddPlatformClient(this IServiceCollection services, Action<PlatformClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PlatformClientOptions();
        configure(options);
        var floors = new RevisionFloors();
        Func<HttpClient, IServiceProvider, PlatformClient> create = (http, _) =>
        {
            // Each try is bounded by the options' attempt timeout, not by HttpClient.Timeout (watches run for hours).
            http.Timeout = Timeout.InfiniteTimeSpan;
            return new PlatformClient(http, options, ownsHttp: false, floors);
        };
        var http = services.AddHttpClient(HttpClientName);
        http.AddTypedClient(create);
        return http;
    }
}
