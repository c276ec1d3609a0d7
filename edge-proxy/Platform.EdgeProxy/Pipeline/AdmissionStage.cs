using Microsoft.AspNetCore.Http;
using Platform.EdgeProxy.Admission;

namespace Platform.EdgeProxy.Pipeline;

/// <summary>
/// Inside the proxy's pipeline, before a request is forwarded: it takes a slot toward the region
/// (or is refused 429), and one with no node to go to is answered 503 with a problem document
/// rather than YARP's empty answer.
/// </summary>
public sealed class AdmissionStage(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, UpstreamGate gate)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(gate);
        if (context.GetReverseProxyFeature().AvailableDestinations.Count == 0)
        {
            throw EdgeProblem.Unavailable("no node of this region or of another answers its health checks");
        }

        var name = context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase) ? AuthenticationStage.CallerOf(context).Caller.Name : string.Empty;
        using (await gate.EnterAsync(name, context.RequestAborted))
        {
            await next(context);
        }
    }
}
