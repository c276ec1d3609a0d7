using Microsoft.AspNetCore.Http;

namespace Platform.Regional.Api.Problems;

/// <summary>
/// Turns refusals thrown anywhere below into problem answers, and Kestrel's own body-size refusal
/// into <c>RequestTooLarge</c>, so no route answers an error in any other shape.
/// </summary>
public sealed class ProblemMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context);
        }
        catch (ApiProblemException problem) when (!context.Response.HasStarted)
        {
            await ProblemWriter.WriteAsync(context, problem);
        }
        catch (Replicas.NodeNotReadyException starting) when (!context.Response.HasStarted)
        {
            await ProblemWriter.WriteAsync(context, ApiProblemException.NotCaughtUp(starting.Message));
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await ProblemWriter.WriteAsync(context, ApiProblemException.RequestTooLarge(tooLarge.Message));
        }
    }
}
