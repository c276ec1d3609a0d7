using Microsoft.AspNetCore.Http;

namespace Platform.EdgeProxy.Pipeline;

/// <summary>The outermost stage: a refusal thrown by any later stage is answered as a problem document.</summary>
public sealed class ProblemStage(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context);
        }
        catch (EdgeProblem problem) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await problem.WriteAsync(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }
}
