using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Regional.Api.Routes;
using Platform.Regional.Hosting;

namespace Platform.Global.Transport;

/// <summary>
/// <c>POST /inter/v1/forward</c>: a client request another region's node carried here (signed like
/// every inter-region request). It runs through this node's own client API over loopback, so the
/// token, validation and every rule apply exactly as to a request sent here directly, marked as
/// forwarded so it is not sent on again; the answer streams back.
/// </summary>
public sealed class ForwardRoutes(NodeEndpoints endpoints, ForwardedMark mark) : IDisposable
{
    private readonly HttpClient loopback = new() { Timeout = Timeout.InfiniteTimeSpan };

    public static void Map(IEndpointRouteBuilder app) => app.MapPost(RegionForwarder.Path, (HttpContext context, ForwardRoutes routes) => routes.RunAsync(context));

    private async Task RunAsync(HttpContext context)
    {
        ForwardedRequest forwarded;
        try
        {
            forwarded = ForwardedRequest.Decode(InterRegionEndpoint.Body(context));
        }
        catch (Exception bad) when (bad is InvalidDataException or System.Text.Json.JsonException)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var self = new UriBuilder("http", endpoints.ListenAddress.ToString(), endpoints.HttpPort).Uri;
        using var request = new HttpRequestMessage(new HttpMethod(forwarded.Method), new Uri(self, forwarded.Target));
        if (forwarded.Body.Length > 0 || !(HttpMethods.IsGet(forwarded.Method) || HttpMethods.IsHead(forwarded.Method) || HttpMethods.IsDelete(forwarded.Method)))
        {
            request.Content = new ByteArrayContent(forwarded.Body);
        }

        foreach (var (name, value) in forwarded.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        mark.Mark((name, value) => request.Headers.TryAddWithoutValidation(name, value), context.Request.Headers[RequestSignature.FromHeader].ToString());
        using var answer = await loopback.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        await RegionForwarder.Relay(context.Response, answer, context.RequestAborted);
    }

    public void Dispose() => loopback.Dispose();
}
