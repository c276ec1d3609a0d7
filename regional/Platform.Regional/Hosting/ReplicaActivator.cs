using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Regional.Replication;

namespace Platform.Regional.Hosting;

/// <summary>
/// Once the silo is up, activates this node's replica of every group (a replica keeps itself alive
/// with its tick timer), retrying while the silo is still joining the cluster.
/// </summary>
public sealed partial class ReplicaActivator(IGrainFactory grains, NodeOptions node, ILogger<ReplicaActivator> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (ulong group = 0; group < (ulong)node.Groups; group++)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await grains.GetGrain<IReplicaGrain>(ReplicaGrain.KeyFor(group, node.NodeName)).Status();
                    break;
                }
                catch (Exception problem) when (problem is not OperationCanceledException)
                {
                    LogRetry(logger, group, problem.Message);
                    await Task.Delay(RetryDelay, stoppingToken);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "replica of group {Group} not active yet: {Problem}")]
    private static partial void LogRetry(ILogger logger, ulong group, string problem);
}
