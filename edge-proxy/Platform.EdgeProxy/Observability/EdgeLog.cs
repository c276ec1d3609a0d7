using Microsoft.Extensions.Logging;

namespace Platform.EdgeProxy.Observability;

/// <summary>What the edge writes to its log (edge.log under <c>platform up</c>).</summary>
public static partial class EdgeLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "watch of {Namespace}: the region no longer serves revision {Since} (diverged or compacted); flushing")]
    public static partial void WatchGone(ILogger logger, string @namespace, long? since);

    [LoggerMessage(Level = LogLevel.Information, Message = "watch of {Namespace}: compacted under the edge or diverged; flushing")]
    public static partial void WatchCompacted(ILogger logger, string @namespace);

    [LoggerMessage(Level = LogLevel.Information, Message = "watch of {Namespace}: the namespace does not exist; dropping it")]
    public static partial void NamespaceMissing(ILogger logger, string @namespace);

    [LoggerMessage(Level = LogLevel.Warning, Message = "watch of {Namespace}: the region answered {Status}")]
    public static partial void WatchRefused(ILogger logger, string @namespace, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "watch of {Namespace}: {Problem}; resuming after revision {Position}")]
    public static partial void WatchBroke(ILogger logger, string @namespace, string problem, long position);

    [LoggerMessage(Level = LogLevel.Error, Message = "the upstream watch of {Namespace} failed")]
    public static partial void WatchFailed(ILogger logger, Exception problem, string @namespace);

    [LoggerMessage(Level = LogLevel.Information, Message = "dropping idle namespace {Namespace}")]
    public static partial void NamespaceIdle(ILogger logger, string @namespace);
}
