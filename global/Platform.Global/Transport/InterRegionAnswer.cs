using System.Net;
using Microsoft.AspNetCore.Http;

namespace Platform.Global.Transport;

/// <summary>
/// What an inter-region route answers, apart from HTTP: the handlers return it, the HTTP routes
/// write it, and the simulation of the global layer hands it to the caller over its network.
/// </summary>
public sealed record InterRegionAnswer(HttpStatusCode Status, byte[] Body, string ContentType = "application/octet-stream") : IResult
{
    public static InterRegionAnswer Empty(HttpStatusCode status) => new(status, []);

    public static InterRegionAnswer Json(byte[] body) => new(HttpStatusCode.OK, body, "application/json");

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = (int)Status;
        if (Body.Length > 0)
        {
            httpContext.Response.ContentType = ContentType;
            await httpContext.Response.Body.WriteAsync(Body, httpContext.RequestAborted);
        }
    }
}
