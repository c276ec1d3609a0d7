using Microsoft.AspNetCore.Http;

namespace Platform.EdgeProxy.Pipeline;

/// <summary>
/// First stage: drops the headers only the nodes' own inter-region path may set. A node trusts its
/// forwarded mark only with a proof its process made, so a client's mark changes nothing there;
/// dropping it here as well keeps it out of the cache key decisions, the logs and every upstream
/// request, whatever the nodes behind this edge run.
/// </summary>
public sealed class InternalHeaderStage(RequestDelegate next)
{
    /// <summary>The nodes' forwarded mark and its proof (HTTP header names are case-insensitive).</summary>
    public static readonly IReadOnlyList<string> Stripped = ["X-Platform-Forwarded", "X-Platform-Forwarded-Proof"];

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var name in Stripped)
        {
            context.Request.Headers.Remove(name);
        }

        return next(context);
    }
}
