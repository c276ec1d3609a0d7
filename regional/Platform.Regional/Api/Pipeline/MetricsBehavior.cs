using System.Diagnostics;
using Mediator;
using Platform.Regional.Api.Problems;
using Platform.Regional.Observability;

namespace Platform.Regional.Api.Pipeline;

/// <summary>Third stage: how long each kind of request takes and how it ends.</summary>
public sealed class MetricsBehavior<TMessage, TResponse>(RegionalMetrics metrics) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IMessage
{
    private static readonly string Operation = typeof(TMessage).Name;

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await next(message, cancellationToken);
        }
        catch (ApiProblemException problem)
        {
            outcome = problem.Code;
            throw;
        }
        finally
        {
            metrics.Requests.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("operation", Operation), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
