using System.Diagnostics;
using Platform.Client;
using Platform.Client.Models;

namespace Platform.LoadTests.Cluster;

/// <summary>
/// Follows one drill's report at the node that runs it (<c>GET /v1/drills/{id}</c> every 500 ms) until
/// it is no longer running. That node keeps the running report in memory; any other node shows the
/// catalog's copy, stored only when the drill starts and when it ends, and a node of a region a
/// region loss takes away does not answer at all.
/// </summary>
public static class DrillFollower
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    // The platform fails a drill still running after 10 minutes; a little more, so its own answer comes first.
    private static readonly TimeSpan FollowBound = TimeSpan.FromMinutes(12);

    /// <summary>
    /// The report once it is done or failed, or the last one read (still running) after the bound. A
    /// read that fails is tried again at the next poll: only a drill never read at all throws.
    /// </summary>
    public static async Task<DrillReport> FollowAsync(PlatformClient runner, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var following = Stopwatch.StartNew();
        DrillReport? last = null;
        Exception? unread = null;
        while (true)
        {
            try
            {
                last = await runner.GetDrillAsync(id, cancellationToken);
                if (!last.Running)
                {
                    return last;
                }
            }
            catch (Exception problem) when (problem is HttpRequestException or PlatformProblemException
                || (problem is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                unread = problem;
            }

            if (following.Elapsed > FollowBound)
            {
                return last ?? throw new TimeoutException($"drill {id} could not be read at {runner.Endpoint} for {FollowBound.TotalMinutes:0} minutes: {unread?.Message}");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }
}
